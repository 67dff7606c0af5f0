// The officials' workspace (/mot-cua) in a real browser: the desk accepts an online dossier
// from its queue, the ward assigns, handles and approves it — each from the dossier screen's
// action forms — on a phone and a desktop, with axe-core finding no serious or critical
// violation on any page, and markup typed into an applicant's name shown as text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launch, accessibilityProblems, PHONE, DESKTOP } from "../lib.mjs";

// With SHOTS=1 the test refreshes the workspace screenshots in docs/screenshots; a normal run
// (CI) leaves the repository untouched.
const SHOTS = process.env.SHOTS ? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots") : null;
const NASTY = `Nguyễn <script>window.pwned=1</script>"><img src=x onerror="window.pwned=1">`;

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(path, { token, method = "GET", body, type = "application/json" } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = type;
  const r = await fetch(server.base + path, {
    method, headers, body: body === undefined ? undefined : (type === "application/json" ? JSON.stringify(body) : body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** An online birth registration by citizen1 at Phường Bắc Giang; returns its code. */
async function submitOnline(applicantName) {
  const { token } = await api("/api/v1/auth/token", {
    method: "POST", body: { username: "citizen1", password: "motcua-demo", name: "e2e" },
  });
  const file = await api("/api/v1/files?name=to-khai.pdf", {
    token, method: "POST", body: "%PDF-1.4 e2e", type: "application/pdf",
  });
  const p = await api("/api/v1/procedures/1.001193", { token });
  const components = p.documents[0]
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.kind === "required")
    .map(({ index }) => ({ index, files: [file.id] }));
  const d = await api("/api/v1/dossiers", {
    token, method: "POST", body: {
      procedure: "1.001193", agency: "bn.x07210", components, return_method: "online",
      applicant: { kind: "individual", name: applicantName, citizen_id: "024090001234",
        phone: "0912345678", email: "citizen1@example.vn", address: null, tax_code: null },
    },
  });
  return d.code;
}

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

async function signIn(context, username) {
  const page = await context.newPage();
  await page.goto(server.base + "/dang-nhap");
  await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("motcua-demo");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  await page.waitForURL(/\/mot-cua$/);
  return page;
}

/** Opens an action's panel on the dossier screen and submits it. */
async function act(page, label, fill = async () => {}) {
  const panel = page.locator("details.action", { has: page.locator("summary", { hasText: label }) });
  await panel.locator("summary").click();
  await fill(panel);
  await panel.getByRole("button", { name: label }).click();
  await page.waitForLoadState();
}

async function actOk(page, label, name, fill) {
  await act(page, label, fill);
  assert.match(page.url(), /\?xong=/, `${label} succeeded`);
  assert.match(await page.locator("#thong-bao").textContent(), /Đã thực hiện/);
  await accessible(page, `${name} after ${label}`);
}

for (const [name, device] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`the desk and the ward take a dossier through the workspace (${name})`, async () => {
    const code = await submitOnline(NASTY);
    const width = device.viewport.width;

    // The receiving officer lands on the queues, the search field focused.
    const desk = await browser.newContext(device);
    let page = await signIn(desk, "receiver1");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "q");
    await accessible(page, `${name} queues`);
    await page.getByRole("link", { name: /^Chờ tiếp nhận/ }).click();
    await page.waitForURL(/hang=cho-tiep-nhan/);
    assert.equal(await page.getByRole("link", { name: code, exact: true }).count(), 1, "the dossier is waiting at the desk");
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-queues-${width}.png`), fullPage: true });

    // Found by the applicant's name typed without marks, then narrowed with the filters
    // (keyboard only: the panel opens, a channel is chosen, Enter applies).
    await page.getByLabel("Mã hồ sơ, tên hoặc số định danh người nộp").fill("nguyen script window");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=nguyen/);
    assert.equal(await page.getByRole("link", { name: code, exact: true }).count(), 1, "found by name");
    await page.locator("details.filters > summary").focus();
    await page.keyboard.press("Enter");
    await page.getByLabel("Kênh nộp").selectOption("desk");
    await page.getByLabel("Sắp xếp").selectOption("moi-nhat");
    await page.getByRole("button", { name: "Áp dụng" }).click();
    await page.waitForURL(/kenh=desk/);
    assert.equal(await page.getByRole("link", { name: code, exact: true }).count(), 0, "not a desk dossier");
    assert.match(await page.locator(".result-count").textContent(), /Không tìm thấy/);
    await accessible(page, `${name} filtered queue`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-filters-${width}.png`), fullPage: true });
    await page.getByLabel("Kênh nộp").selectOption("online");
    await page.getByRole("button", { name: "Áp dụng" }).click();
    await page.waitForURL(/kenh=online/);
    await page.getByRole("link", { name: code, exact: true }).click();
    await page.waitForLoadState();

    // Markup in the applicant's name is text, never markup.
    assert.equal(await page.locator("img[src=x]").count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.ok((await page.locator("main").textContent()).includes(NASTY));
    await accessible(page, `${name} dossier`);

    // A field error is explained at the field and in the summary.
    await act(page, "Từ chối giải quyết");
    assert.match(await page.locator(".error-summary").textContent(), /Từ chối giải quyết/);
    await accessible(page, `${name} field error`);

    await actOk(page, "Tiếp nhận hồ sơ", name);
    assert.equal(await page.locator("ul.forms").getByRole("link", { name: /Mẫu 01/ }).count(), 1, "the receipt prints");
    assert.equal(await page.locator("#thong-bao").getByRole("link", { name: /In Mẫu 01/ }).count(), 1, "the banner offers it");
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-dossier-${width}.png`), fullPage: true });

    // A screen left open while someone else acted: the conflict is explained.
    const stale = await desk.newPage();
    await stale.goto(page.url().split("?")[0]);
    await actOk(page, "Chuyển bước tiếp theo", name);
    await act(stale, "Ghi ý kiến", async (p) => p.getByLabel("Ý kiến").fill("Đã kiểm tra đủ giấy tờ"));
    assert.match(await stale.locator("#thong-bao").textContent(), /Người khác đã thao tác/);
    await accessible(stale, `${name} conflict`);
    await desk.close();

    // The ward: the unit head assigns, the handler hands it on, the leader approves.
    const ward = async (username, steps) => {
      const context = await browser.newContext(device);
      const p = await signIn(context, username);
      await p.getByLabel("Mã hồ sơ, tên hoặc số định danh người nộp").fill(code);
      await p.keyboard.press("Enter");
      await p.waitForURL(/\/mot-cua\/ho-so\//);
      await steps(p);
      await context.close();
    };
    await ward("unithead1", (p) => actOk(p, "Phân công xử lý", name,
      async (panel) => {
        // Only the unit's handlers are offered, by name with the user name beside it.
        const option = panel.locator("option", { hasText: "(handler1)" });
        assert.equal(await option.count(), 1);
        assert.equal(await panel.locator("option", { hasText: "(receiver1)" }).count(), 0, "a desk officer does not handle");
        await panel.getByLabel("Chuyên viên thụ lý").selectOption(await option.getAttribute("value"));
      }));
    await ward("handler1", async (p) => {
      assert.equal(await p.locator("summary", { hasText: "Phê duyệt, ký" }).count(), 0, "a handler never approves");
      // The agency to consult is chosen from a list grouped by kind, not typed as an id.
      assert.ok(await p.locator("#consult-agency optgroup[label='Sở, ngành'] option").count() > 0, "departments to consult");
      await actOk(p, "Ghi ý kiến", name, async (panel) => {
        await panel.getByLabel("Ý kiến").fill("Hồ sơ hợp lệ");
        await panel.getByLabel("Cho người nộp xem").check();
      });
      await actOk(p, "Chuyển bước tiếp theo", name);
    });
    // The leader finds it in the approval queue, one click from the approval.
    {
      const context = await browser.newContext(device);
      const p = await signIn(context, "leader1");
      await p.getByRole("link", { name: /^Chờ phê duyệt/ }).click();
      await p.waitForURL(/hang=cho-phe-duyet/);
      await accessible(p, `${name} approval queue`);
      await p.getByRole("link", { name: code, exact: true }).click();
      await p.waitForLoadState();
      await actOk(p, "Phê duyệt, ký", name);
      await context.close();
    }
    await ward("leader1", async (p) => {
      assert.match(await p.locator(".steps [aria-current=step]").textContent(), /./);
    });
  });
}

test("the desk forwards several dossiers from a queue at once, by keyboard", async () => {
  const codes = [await submitOnline("Lê Thị Thu"), await submitOnline("Lê Văn Hậu")];
  const { token } = await api("/api/v1/auth/token", {
    method: "POST", body: { username: "receiver1", password: "motcua-demo", name: "e2e" },
  });
  for (const code of codes) await api(`/api/v1/dossiers/${code}/actions/accept`, { token, method: "POST", body: {} });
  const context = await browser.newContext(DESKTOP);
  const page = await signIn(context, "receiver1");
  await page.getByRole("link", { name: /^Đang giải quyết/ }).click();
  await page.waitForURL(/hang=dang-xu-ly/);
  await accessible(page, "queue with ticks");
  for (const code of codes) {
    await page.getByLabel(`Chọn hồ sơ ${code}`).focus();
    await page.keyboard.press("Space");
  }
  await page.getByRole("button", { name: "Chuyển bước các hồ sơ đã chọn" }).click();
  await page.waitForURL(/chuyen-buoc/);
  assert.match(await page.locator("main").textContent(), /Đã chuyển bước 2 hồ sơ/);
  for (const code of codes) assert.equal(await page.getByRole("link", { name: code, exact: true }).count(), 1);
  await accessible(page, "batch result");
  if (SHOTS) await page.screenshot({ path: join(SHOTS, "office-batch-1280.png"), fullPage: true });
  await context.close();
});
