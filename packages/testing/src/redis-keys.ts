// Tests and benches clean up after themselves with the same cluster-aware SCAN + UNLINK.
export { deleteKeys } from '@ghl-bridge/redis';
