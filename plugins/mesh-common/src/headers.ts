/*
 * What the mesh frontend and backend agree on besides the JSON bodies.
 */

/**
 * The request header that carries the signed-in user's credentials for
 * clusters with `authMode: user` (OIDC, Google): a JSON object keyed by
 * auth provider, e.g. `{"google":"<token>"}` or `{"oidc":{"okta":"<token>"}}`.
 *
 * @public
 */
export const MESH_AUTH_HEADER = 'backstage-mesh-auth';
