import path from 'path';

/**
 * The demo state of the browser tests (MESH_DEMO_DIR of the script/server
 * they start): a folder of their own, wiped when they start, so that they
 * never change the user's .demo/ (its clusters and created components).
 */
export const E2E_DEMO_DIR = path.join(__dirname, '..', '.demo-e2e');
