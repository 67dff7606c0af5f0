// Shared helpers for motcua's browser tests: start the real binary on a free port with a fresh
// data directory, and launch the system's Chromium through playwright-core (no downloads).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.MOTCUA_BIN || join(here, "..", "target", "debug", "motcua");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The engines the browser tests run on: SQLite always, PostgreSQL when MOTCUA_TEST_PG_URL is
 * set (each server then gets a fresh database of its own, dropped when it stops). */
export const ENGINES = process.env.MOTCUA_TEST_PG_URL ? ["sqlite", "postgres"] : ["sqlite"];

/** A fresh PostgreSQL database next to the one MOTCUA_TEST_PG_URL names; returns its URL. */
function freshPostgres() {
  const admin = process.env.MOTCUA_TEST_PG_URL;
  const name = `motcua_e2e_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  execFileSync("psql", [admin, "-qc", `CREATE DATABASE ${name}`]);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => execFileSync("psql", [admin, "-qc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
}

/** Starts motcua with its demo data on `engine` ("sqlite" by default); resolves when /readyz
 * answers ready. */
export async function startServer(engine = "sqlite") {
  const dir = mkdtempSync(join(tmpdir(), "motcua-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const pg = engine === "postgres" ? freshPostgres() : null;
  const env = { ...process.env, MOTCUA_DATABASE_URL: pg ? pg.url : "", RUST_LOG: "warn" };
  const child = spawn(BIN, ["--data-dir", dir, "serve", "--addr", `127.0.0.1:${port}`], {
    env, stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`motcua exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error("motcua did not become ready in 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
      pg?.drop();
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// bypassCSP: the tests inject axe-core, which the portal's strict CSP would (rightly) block.
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true };
export const DESKTOP = { viewport: { width: 1280, height: 900 }, bypassCSP: true };

/** Opens a page in `context` and signs in there (the demo password unless told). */
export async function signIn(context, base, login, password = "motcua-demo") {
  const page = await context.newPage();
  await page.goto(base + "/dang-nhap");
  await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill(login);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  return page;
}

const AXE = readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Runs axe-core (WCAG 2.x A/AA rules) on the page; returns serious and critical violations. */
export async function accessibilityProblems(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target})`);
}
