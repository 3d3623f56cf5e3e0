// Helpers of the browser tests: start and stop `duos serve`, launch the
// Debian Chromium through playwright-core, run axe-core, take screenshots.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..");
const ci = process.env.CI === "true";

/** Fails (never skips) when something the tests need is missing. */
function need(what, ok, hint) {
  if (!ok) {
    throw new Error(`${what} is missing${ci ? " (CI=true: a missing tool is a failure)" : ""}: ${hint}`);
  }
}

export function chromiumPath() {
  const p = process.env.CHROMIUM || "/usr/bin/chromium";
  need("Chromium", fs.existsSync(p), `apt-get install -y chromium (looked for ${p})`);
  return p;
}

export function duosBin() {
  const p = process.env.DUOS_BIN || path.join(repoRoot, "target", "release", "duos");
  need("the duos binary", fs.existsSync(p), `cargo build --release (looked for ${p}; set DUOS_BIN)`);
  return p;
}

export async function launch() {
  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch (e) {
    need("playwright-core", false, "npm ci in tests/browser");
  }
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A free port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A copy of the site root (content/, themes/, static/, templates/) in a temp folder. */
export function copySite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "duos-site-"));
  for (const sub of ["content", "themes", "static", "templates"]) {
    const from = path.join(repoRoot, sub);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, sub), { recursive: true });
  }
  return dir;
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The server the script started (DUOS_URL, DUOS_SERVER_PID, DUOS_ROOT,
 * DUOS_DATA), or `null` when the tests run on their own.
 */
export function adoptServer() {
  const { DUOS_URL, DUOS_SERVER_PID, DUOS_ROOT, DUOS_DATA, DUOS_SERVER_LOG } = process.env;
  if (!DUOS_URL || !DUOS_SERVER_PID || !DUOS_ROOT || !DUOS_DATA) return null;
  const pid = Number(DUOS_SERVER_PID);
  return {
    root: DUOS_ROOT,
    data: DUOS_DATA,
    server: {
      url: DUOS_URL,
      output: () => (DUOS_SERVER_LOG && fs.existsSync(DUOS_SERVER_LOG) ? fs.readFileSync(DUOS_SERVER_LOG, "utf8") : ""),
      async stop() {
        try {
          process.kill(pid, "SIGINT");
        } catch {
          return;
        }
        for (let i = 0; i < 100; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      },
    },
  };
}

/** Starts `duos serve`; resolves when it answers. */
export async function startServer({ root, data, today, port }) {
  port = port || (await freePort());
  const args = ["serve", "--root", root, "--data", data, "--port", String(port)];
  if (today) args.push("--today", today);
  const child = spawn(duosBin(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  if (process.env.DUOS_PIDFILE) fs.appendFileSync(process.env.DUOS_PIDFILE, `${child.pid}\n`);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`duos serve exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(url + "/");
      break; // any answer: the server is up (a content error answers 500 with the overlay)
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`duos serve did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(t);
    },
  };
}

/** axe-core on the page: the serious and critical violations. */
export async function axe(page) {
  // In a context without JavaScript the page's timers never fire, so
  // axe.run waits forever: audit the same URL, with the same cookies, in a
  // context that runs scripts.
  const runsScripts = await Promise.race([
    page.evaluate(() => new Promise((r) => setTimeout(() => r(true), 0))).catch(() => false),
    new Promise((r) => setTimeout(() => r(false), 3000)),
  ]);
  if (!runsScripts) {
    const context = await page.context().browser().newContext({ storageState: await page.context().storageState() });
    try {
      const twin = await context.newPage();
      await twin.goto(page.url());
      return await axe(twin);
    } finally {
      await context.close();
    }
  }
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

export const screenshotDir = process.env.DUOS_SCREENSHOTS || tempDir("duos-screenshots-");
fs.mkdirSync(screenshotDir, { recursive: true });

export async function screenshot(page, name) {
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs `memberId` in through the development sign-in, in a new context. */
export async function signIn(browser, server, memberId, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(server.url + "/auth/dev?next=/members/");
  await page.locator(`form:has(input[name=member_id][value="${memberId}"]) button`).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/auth/"));
  return { context, page };
}

/** The outbox's mails to `address` whose subject matches `subject`, as text. */
export async function mailsTo(server, address, subject) {
  const list = await (await fetch(server.url + "/_outbox")).text();
  const rows = [...list.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td><a href="\/_outbox\/([^"]+)">([^<]*)</g)];
  const found = [];
  for (const [, to, file, subj] of rows) {
    if (to.includes(address) && subject.test(subj)) {
      found.push(await (await fetch(server.url + "/_outbox/" + file)).text());
    }
  }
  return found;
}
