/**
 * Headless Chromium for the notebook checks: Debian's /usr/bin/chromium (or $AMP_CHROMIUM), no
 * network (every request goes to a dead proxy except loopback), audio allowed to load. The launch
 * timeout is generous: on a busy 2-core machine Chromium's first start can take over 30 s.
 */
import puppeteer, { type Browser } from "puppeteer-core";

export const CHROMIUM = process.env["AMP_CHROMIUM"] ?? "/usr/bin/chromium";

/** Starts headless Chromium with no network access. */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 180_000,
    protocolTimeout: 180_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--proxy-server=127.0.0.1:9",
      "--proxy-bypass-list=<-loopback>",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}
