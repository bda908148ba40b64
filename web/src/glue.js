// Browser features the app reaches through JavaScript rather than through Rust crates: the
// native CompressionStream for share links (no compression code in the wasm), the clipboard,
// file downloads and picked files. wasm-bindgen loads this as a same-origin module snippet, so the
// page's Content Security Policy needs nothing new.

function toBase64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new Error('it contains characters a share link never has');
  }
  let binary;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  } catch {
    throw new Error('it is not complete base64url');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compresses `text` (UTF-8) with raw DEFLATE and returns it as base64url without padding. */
export async function deflate(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return toBase64url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/**
 * Reverses `deflate`, stopping as soon as the output would exceed `maxBytes` (a link that
 * expands into gigabytes is refused before it is held in memory). Rejects with a readable
 * message when the link is damaged.
 */
export async function inflate(text, maxBytes) {
  const bytes = fromBase64url(text);
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw new Error(`it expands to more than ${Math.round(maxBytes / 1048576)} MB`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('it expands')) throw error;
    throw new Error('its compressed data is damaged or cut short');
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch {
    throw new Error('it does not decode as UTF-8 text');
  }
}

/** Puts `text` on the clipboard; rejects when the browser refuses. */
export async function copyText(text) {
  await navigator.clipboard.writeText(text);
}

/** Saves `text` as a file called `name` through the browser's download. */
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Reads the files picked in `input` as `[[name, text], …]` and clears the picker. */
export async function readFiles(input) {
  const out = [];
  for (const file of Array.from(input.files ?? [])) {
    out.push([file.name, await file.text()]);
  }
  input.value = '';
  return out;
}

/** Calls `callback(location.hash)` whenever the fragment changes (a share link pasted into this tab). */
export function onHashChange(callback) {
  window.addEventListener('hashchange', () => callback(location.hash));
}

/** Calls `callback()` when the page is being hidden or unloaded (to write a pending draft). */
export function onPageHide(callback) {
  window.addEventListener('pagehide', () => callback());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') callback();
  });
}

/** Drops the fragment from the address bar without reloading or adding a history entry. */
export function clearHash() {
  history.replaceState(null, '', location.pathname + location.search);
}

/** The page's address without its fragment: where share links point. */
export function baseUrl() {
  return location.href.split('#')[0];
}
