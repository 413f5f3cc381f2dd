// The one error type of Compose file handling: its message is what `docker compose` prints.
export class ComposeError extends Error {
  override name = 'ComposeError';
}
