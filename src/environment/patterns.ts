/** Regular expressions for the values the environment file holds. Anchored; no flags. */

/** RFC 1123 label: what a container or service name may be (also safe for git, shells and paths). */
export const RFC1123_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
export const IPV4_CIDR = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?\\d)$`);

export const MAC_ADDRESS = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;

/** A DNS name: RFC 1123 labels joined by dots (case-insensitive). */
export const DNS_NAME =
  /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/**
 * Text safe to quote into a shell word, a line of a configuration file, a manifest or YAML: no
 * control characters (C0, DEL, C1) and no Unicode line or paragraph separators, which some
 * line-oriented readers take for line breaks. Lone surrogates are checked apart (isWellFormed).
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it refuses
export const FREE_TEXT = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

/** True for text that is valid Unicode: no half of a surrogate pair on its own. */
export function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}

export const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DOCKER_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A registry address: a DNS name or IPv4 address with an optional port. */
export const REGISTRY = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?(?::\d{1,5})?$/;
