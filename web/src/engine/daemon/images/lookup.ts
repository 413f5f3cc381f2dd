// Finding an image by what a client names it, and checking the names it is given, with Docker's
// messages.
import { familiarString, parseReference, type ImageReference } from '../../formats/reference';
import type { Image } from '../../models/image';
import { ApiError } from '../endpoints';
import type { ImageStore } from './image-store';

/** By tag, ID or reference; 404 "No such image" otherwise. */
export function resolveImage(images: ImageStore, name: string): Image {
  let ref: ImageReference | undefined;
  try {
    ref = parseReference(name);
  } catch {
    ref = undefined;
  }
  const image = images.find(name, ref);
  if (!image) throw new ApiError(404, `No such image: ${ref ? familiarString(ref) : name}`);
  return image;
}

/** Validated familiar names for -t / commit's REPOSITORY[:TAG]. */
export function tagNames(tags: string[]): string[] {
  return tags.map((t) => {
    try {
      const ref = parseReference(t);
      if (ref.digest) throw new Error('invalid reference format');
      return familiarString(ref);
    } catch (error) {
      throw new ApiError(400, `invalid tag "${t}": ${(error as Error).message}`);
    }
  });
}
