/**
 * `mxtrust/roots`: Mozilla's root store (the public roots browsers trust)
 * as DER certificates, from the pinned `webpki-root-certs` crate, for
 * `checkSts({ roots })`. Separate from the main module so that only the
 * code that needs it loads it.
 *
 * @example
 * import roots from "mxtrust/roots";
 * checkSts({ policy, chain, mx, roots });
 */
export declare const roots: ReadonlyArray<Uint8Array>;
/** Where the roots come from, with the crate version. */
export declare const source: string;
export default roots;
