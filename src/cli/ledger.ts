/** `yaodian ledger`: see digest.ts, which holds both store-reading commands. */
export { runLedger } from './digest.js';
