/**
 * Peer libraries (xstate, nact, rxjs, mitt, piscina, tinypool, poolifier, workerpool,
 * autocannon, effect) are devDependencies: an installed `async-lab` does not have them.
 * A suite loads each peer here, when it runs, never at import time — so `lab list` and
 * every chapter work with production dependencies only, and a suite whose peer is
 * missing still measures every row it can.
 *
 * The rule a suite follows: `const rxjs = await loadPeer("rxjs", () => import("rxjs"), options.warn)`;
 * `null` means "skip that subject's rows". The one line logged names the package to
 * install; any other failure (a peer that is installed but broken) is rethrown — hiding
 * it would silently drop a comparison the reader expects.
 */

/** Peers reported missing in this process, so each is named once, not once per case. */
const reported = new Set<string>();

/** True when `error` says that `name` itself (not something it imports) could not be found. */
export function isMissingPackage(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== "object") return false;
  if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "MODULE_NOT_FOUND") return false;
  return typeof e.message === "string" && e.message.includes(`'${name}'`);
}

/** Import a peer, or log one line naming the package to install and return `null`. */
export async function loadPeer<M>(
  name: string,
  load: () => Promise<M>,
  warn: (line: string) => void,
): Promise<M | null> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, name)) throw error;
    if (!reported.has(name)) {
      reported.add(name);
      warn(`peer '${name}' is not installed; its rows are skipped (npm install ${name} to compare with it)`);
    }
    return null;
  }
}
