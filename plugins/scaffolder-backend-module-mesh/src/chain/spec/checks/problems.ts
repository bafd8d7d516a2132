/*
 * The problems of a ChainSpec, each naming the field and the fix, and the
 * two ways most are found: a value in the wrong format, a number out of
 * range.
 */

/** One problem with an input field. @public */
export interface SpecProblem {
  /** The field, e.g. `service.nodePort` or `routes[1].path`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Collects the problems of a spec, in the order they are found. */
export class SpecProblems {
  readonly list: SpecProblem[] = [];

  /** A problem with a field. */
  add = (field: string, message: string): void => {
    this.list.push({ field, message });
  };

  /** A value a format check refuses, with an example; whether it passed. */
  format = (
    field: string,
    value: string,
    check: (v: string) => string | undefined,
    example: string,
  ): boolean => {
    const problem = check(value);
    if (problem) {
      this.add(field, `'${value}' ${problem}, e.g. ${example}`);
    }
    return !problem;
  };

  /** A number outside `min`-`max`. */
  range = (
    field: string,
    value: number | undefined,
    min: number,
    max: number,
    what: string,
  ): void => {
    if (value !== undefined && (value < min || value > max)) {
      this.add(
        field,
        `${value} is out of range; ${what} must be ${min}-${max}`,
      );
    }
  };
}
