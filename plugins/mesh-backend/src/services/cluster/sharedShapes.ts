/*
 * Object shapes shared between cached objects. V8 gives objects with the
 * same keys in the same order one hidden class ("map") only when it can
 * find the earlier one through the transitions of the empty object's map;
 * in a Backstage backend those transitions are full (every loaded module's
 * `exports` object added one), so objects built key by key (`{}` then
 * `o[key] = v`) or parsed from JSON often each get a hidden class of their
 * own: a map, a descriptor array and an enum cache per object, several
 * hundred bytes on top of its values. Rebuilding each object through a
 * constructor of its own shape (a function whose `prototype` is
 * `Object.prototype`, so that its objects are plain objects) puts every
 * object of that shape on one hidden class, with its values in-object.
 */

/** Most distinct shapes (key sequences) kept; past it objects stay as they are. */
const SHAPE_LIMIT = 20_000;
/** Objects with more keys than this are kept as they are. */
const MAX_SHAPE_KEYS = 64;

type Shape = new () => Record<string, unknown>;

const shapes = new Map<string, Shape>();

function newShape(): Shape {
  const shape = function SharedShape() {} as unknown as Shape;
  // Its objects are plain objects: Object.getPrototypeOf(o) === Object.prototype.
  shape.prototype = Object.prototype;
  return shape;
}

function shapeOf(keys: string[]): Shape | undefined {
  if (keys.length === 0 || keys.length > MAX_SHAPE_KEYS) {
    return undefined;
  }
  const id = keys.join('\u0000');
  let shape = shapes.get(id);
  if (!shape && shapes.size < SHAPE_LIMIT) {
    // `__proto__` would be set as the prototype, not as a key.
    if (keys.includes('__proto__')) {
      return undefined;
    }
    shape = newShape();
    shapes.set(id, shape);
  }
  return shape;
}

/**
 * A plain object with these keys, in this order, and values: on the
 * hidden class every object of its shape shares, unless its shape cannot
 * be shared (no keys, too many, or too many shapes already).
 */
export function objectOfShape(
  keys: string[],
  values: unknown[],
): Record<string, unknown> {
  const Shape = shapeOf(keys);
  if (!Shape) {
    // `fromEntries` keeps a `__proto__` key as a key.
    return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
  }
  const out = new Shape();
  keys.forEach((key, i) => {
    out[key] = values[i];
  });
  return out;
}
