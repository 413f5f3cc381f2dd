// Image references as Docker reads them (distribution/reference's grammar and
// ParseNormalizedNamed): `busybox` is docker.io/library/busybox:latest. Pure code; the
// messages are Docker's.
//
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component [ "/" path-component ]*
//   domain    := host [ ":" port ]      host: DNS-like labels (any case) or [IPv6]
//   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag       := [\w][\w.-]{0,127}
//   digest    := algorithm ":" hex{32,}

export interface ImageReference {
  /** e.g. docker.io */
  domain: string;
  /** e.g. library/busybox */
  path: string;
  /** The tag given, or `latest`. */
  tag: string;
  digest?: string;
}

export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
}

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** The digest algorithms the Docker CLI has registered, and their hex lengths. */
const ALGORITHMS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
/** Docker's limit on a repository's path (the name without its domain). */
const PATH_MAX = 255;

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

/** go-digest's checks once the grammar matched: a known algorithm, its length, lowercase hex. */
function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = ALGORITHMS[algorithm];
  if (length === undefined) throw new InvalidReferenceError('unsupported digest algorithm');
  if (encoded.length !== length) throw new InvalidReferenceError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw new InvalidReferenceError('invalid checksum digest format');
}

/** The first element is a registry when it has a dot, a port, is localhost or has uppercase. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_PREFIX + name];
  const first = name.slice(0, slash);
  let domain = DEFAULT_DOMAIN;
  let remainder = name;
  if (first === LEGACY_DEFAULT_DOMAIN) remainder = name.slice(slash + 1);
  else if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return [domain, remainder];
}

interface Parsed extends ImageReference {
  /** Whether the input named a tag (`latest` is only a default otherwise). */
  tagged: boolean;
}

function parse(input: string): Parsed {
  if (IDENTIFIER.test(input)) {
    throw new InvalidReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(input);
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const match = REFERENCE.exec(full);
  if (!match) {
    if (full.toLowerCase() !== full && REFERENCE.test(full.toLowerCase())) {
      throw new InvalidReferenceError('invalid reference format: repository name must be lowercase');
    }
    throw new InvalidReferenceError('invalid reference format');
  }
  const [, name = '', tag, digest] = match;
  const parts = NAME.exec(name);
  const path = parts?.[2] ?? name;
  if (path.length > PATH_MAX) throw new InvalidReferenceError(`repository name must not be more than ${PATH_MAX} characters`);
  if (digest) checkDigest(digest);
  return { domain: parts?.[1] ?? '', path, tag: tag ?? 'latest', ...(digest ? { digest } : {}), tagged: tag !== undefined };
}

/** An image name as `docker pull`, `docker tag`, `FROM`… read it; throws Docker's message. */
export function parseReference(input: string): ImageReference {
  const { tagged: _, ...ref } = parse(input);
  return ref;
}

/** The short form Docker prints: `busybox`, `alice/app`, `localhost:5000/app`, `library/a/b`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain === '') return ref.path;
  if (ref.domain !== DEFAULT_DOMAIN) return `${ref.domain}/${ref.path}`;
  const official = ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : undefined;
  return official !== undefined && !official.includes('/') ? official : ref.path;
}

export function familiarString(ref: ImageReference): string {
  return `${familiarName(ref)}:${ref.tag}`;
}

/**
 * How Docker names a reference it is about to look for (`Unable to find image '…' locally`):
 * familiar, `:latest` added only when neither a tag nor a digest was given.
 */
export function familiarReference(input: string): string {
  const ref = parse(input);
  const tag = ref.tagged || !ref.digest ? `:${ref.tag}` : '';
  return `${familiarName(ref)}${tag}${ref.digest ? `@${ref.digest}` : ''}`;
}
