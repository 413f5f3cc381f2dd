// `--change` instructions (`docker commit -c`, `docker import -c`) on an image config: the
// builder's config instructions (builder/config-instructions.ts), a bad one answered 400.
import { applyChanges, ChangeError } from '../../builder/config-instructions';
import type { ImageConfig } from '../../models/image';
import { ApiError } from '../endpoints';

export function applyChangesOr400(config: ImageConfig, changes: string[]): void {
  try {
    applyChanges(config, changes);
  } catch (error) {
    throw error instanceof ChangeError ? new ApiError(400, error.message) : error;
  }
}
