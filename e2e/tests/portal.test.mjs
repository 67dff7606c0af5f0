// The citizen portal in a real browser, on a phone and a desktop: from the procedure page to a
// submitted dossier (sign-in on the way, one thing per page, uploads, check your answers), bad
// input on each step, a draft resumed in a new browser, a supplement round trip with the desk's
// side through the API, withdrawal, rating and the result download, and the public lookup with
// and without its second factor. Every page reached passes axe-core (WCAG 2.2 A/AA).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, accessibilityProblems, PHONE, DESKTOP, ENGINES } from "../lib.mjs";

let browser, dir, server;
const servers = {};
before(async () => {
  browser = await launch();
  for (const engine of ENGINES) servers[engine] = await startServer(engine);
  dir = mkdtempSync(join(tmpdir(), "motcua-portal-"));
  // A minimal valid PDF and a text file pretending to be one.
  writeFileSync(join(dir, "giay-chung-sinh.pdf"), "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
  writeFileSync(join(dir, "not-a-pdf.pdf"), "this is plain text, not a PDF");
});
after(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) await s.stop();
});

const PROCEDURE = "1.001193"; // Đăng ký khai sinh

/** Checks a page with axe-core; with SHOTS=DIR, also keeps a screenshot of its first screen. */
async function accessible(page, what) {
  if (process.env.SHOTS) {
    const file = what.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    await page.screenshot({ path: join(process.env.SHOTS, `${file}.png`) });
  }
  assert.deepEqual(await accessibilityProblems(page), [], `${what}: accessibility`);
  // Light on a cheap phone's data plan: the page and what it loaded under 50 KB on the wire.
  const bytes = await page.evaluate(() => performance.getEntriesByType("navigation")
    .concat(performance.getEntriesByType("resource"))
    .reduce((sum, e) => sum + (e.transferSize || 0), 0));
  assert.ok(bytes < 50 * 1024, `${what}: ${bytes} bytes transferred`);
}

async function signIn(page, user = "citizen1") {
  await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill(user);
  await page.getByLabel("Mật khẩu").fill("motcua-demo");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  await page.waitForLoadState();
}

async function api(path, { token, method = "GET", body } = {}) {
  const r = await fetch(server.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function token(username) {
  const r = await api("/api/v1/auth/token", { method: "POST", body: { username, password: "motcua-demo", name: "e2e" } });
  assert.equal(r.status, 201, `token for ${username}`);
  return r.json.token;
}

/** Walks the form from the procedure page to the check page; returns the draft's URL prefix. */
async function fillDraft(page, what) {
  await page.goto(`${server.base}/thu-tuc/${PROCEDURE}`);
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).click();
  await page.waitForLoadState();
  if (page.url().includes("/dang-nhap")) await signIn(page);
  assert.match(page.url(), new RegExp(`/nop-ho-so/${PROCEDURE}`), `${what}: back at the procedure after signing in`);
  await accessible(page, `${what}: where to submit`);

  // Where: searched without diacritics.
  await page.getByLabel("Tìm theo tên xã, phường").fill("phuong bac giang");
  await page.getByRole("button", { name: "Tìm" }).click();
  await page.waitForLoadState();
  await page.getByRole("radio", { name: /phường Bắc Giang/i }).first().check();
  await page.getByRole("button", { name: "Tiếp tục" }).click();
  await page.waitForLoadState();

  // The case.
  assert.match(page.url(), /\/truong-hop$/);
  await accessible(page, `${what}: case`);
  await page.getByRole("radio", { name: /Giấy tờ phải nộp/ }).check();
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();

  // The applicant: pre-filled from the account; a wrong ID number is refused at its field.
  assert.match(page.url(), /\/nguoi-nop$/);
  assert.equal(await page.getByLabel("Họ và tên (hoặc tên tổ chức)").inputValue(), "Nguyễn Văn An");
  await page.getByLabel("Số định danh cá nhân").fill("12345");
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();
  assert.match(await page.locator(".error-summary").textContent(), /12 chữ số/);
  await accessible(page, `${what}: applicant with an error`);
  await page.getByLabel("Số định danh cá nhân").fill("024090001234");
  await page.getByLabel("Số điện thoại di động").fill("0912345678");
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();

  // For whom.
  assert.match(page.url(), /\/uy-quyen$/);
  await accessible(page, `${what}: representative`);
  await page.getByRole("radio", { name: /Cho chính tôi/ }).check();
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();
  assert.match(page.url(), /\/giay-to$/);
  return page.url().replace(/\/giay-to$/, "");
}

/** Presses a form's button that sends files. With JavaScript they go up by XMLHttpRequest, with
 * a progress bar, and the answer replaces the page; waits until `ready` (a URL pattern or a
 * locator) shows that the answer arrived. */
async function sendFiles(page, name, ready) {
  const sent = page.waitForRequest((r) => r.method() === "POST");
  await page.getByRole("button", { name }).click();
  assert.equal((await sent).resourceType(), "xhr", "files go up with a progress bar");
  if (ready instanceof RegExp) await page.waitForURL(ready);
  else await ready.waitFor();
  await page.waitForLoadState();
}

/** The documents step: a missing document and a file that is no PDF are refused; then right. */
async function documents(page, what) {
  await accessible(page, `${what}: documents`);
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();
  const summary = await page.locator(".error-summary").textContent();
  assert.match(summary, /Hãy trả lời|Hãy tải lên/, "missing answers and documents are listed");
  await accessible(page, `${what}: documents with errors`);
  // Answer every question "Không".
  for (const no of await page.getByRole("radio", { name: "Không" }).all()) await no.check();
  const required = page.locator("section.doc:has(.tag.must) input[type=file]");
  await required.first().setInputFiles(join(dir, "not-a-pdf.pdf"));
  await sendFiles(page, "Lưu và tiếp tục", page.locator(".error-summary", { hasText: "not-a-pdf.pdf" }));
  assert.match(await page.locator(".error-summary").textContent(), /not-a-pdf\.pdf/);
  // Every document still needed gets the PDF.
  const needed = await page.locator("section.doc.invalid input[type=file]").all();
  assert.ok(needed.length >= 1, "a required document is marked");
  for (const input of needed) await input.setInputFiles(join(dir, "giay-chung-sinh.pdf"));
  await sendFiles(page, "Lưu và tiếp tục", /\/nhan-ket-qua$/);
  assert.match(page.url(), /\/nhan-ket-qua$/, `${what}: documents accepted`);
}

async function returnAndCheck(page, what) {
  await accessible(page, `${what}: return`);
  await page.getByRole("radio", { name: /Nhận kết quả điện tử/ }).check();
  await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
  await page.waitForLoadState();
  assert.match(page.url(), /\/kiem-tra$/);
  await accessible(page, `${what}: check your answers`);
  assert.match(await page.locator("main").textContent(), /giay-chung-sinh\.pdf/);
}

for (const engine of ENGINES) {
  for (const [name, device] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    test(`a citizen submits a birth registration online (${engine}, ${name})`, async () => {
      server = servers[engine];
      const context = await browser.newContext(device);
      const page = await context.newPage();
      const what = `${engine}-${name}`;
      await fillDraft(page, what);
      await documents(page, what);
      await returnAndCheck(page, what);

      // A double click submits one dossier.
      const submit = page.getByRole("button", { name: "Nộp hồ sơ" });
      await Promise.all([page.waitForURL(/\/da-nop$/), submit.dblclick()]);
      await accessible(page, `${what}: submitted`);
      const code = (await page.locator(".big-code").textContent()).trim();
      assert.match(code, /-\d{6}-\d{4}$/);
      const key = (await page.locator(".panel-confirm strong").textContent()).trim();

      await page.getByRole("link", { name: "Xem hồ sơ" }).click();
      await page.waitForLoadState();
      assert.match(await page.locator(".status-box").textContent(), /Chờ tiếp nhận/);
      await accessible(page, `${what}: the dossier`);
      await page.getByRole("link", { name: "Hồ sơ của tôi" }).first().click();
      await page.waitForLoadState();
      assert.equal(await page.locator(`a[href="/ho-so-cua-toi/${code}"]`).count(), 1, "listed once");
      await accessible(page, `${what}: my dossiers`);

      // Public lookup: the code alone shows nothing; with the key, the status.
      const anon = await browser.newContext(device);
      const lookup = await anon.newPage();
      await lookup.goto(`${server.base}/tra-cuu-ho-so?ma=${encodeURIComponent(code)}&k=0000`);
      assert.match(await lookup.locator(".error-summary").textContent(), /Không tìm thấy/);
      await accessible(lookup, `${what}: lookup refused`);
      await lookup.goto(`${server.base}/tra-cuu-ho-so?ma=${encodeURIComponent(code)}&k=${key}`);
      assert.match(await lookup.locator(".lookup-result").textContent(), /Chờ tiếp nhận/);
      assert.doesNotMatch(await lookup.locator("main").textContent(), /Nguyễn Văn An/, "nothing personal");
      await accessible(lookup, `${what}: lookup`);
      await anon.close();

      // The desk asks for a supplement (through the API); the citizen sends it on the page.
      const desk = await token("receiver1");
      const filesBefore = (await api(`/api/v1/dossiers/${encodeURIComponent(code)}`, { token: desk })).json.dossier.components[0].files.length;
      const asked = await api(`/api/v1/dossiers/${encodeURIComponent(code)}/actions/request_supplement`, {
        token: desk, method: "POST",
        body: { items: [{ component: (await api(`/api/v1/dossiers/${encodeURIComponent(code)}`, { token: desk })).json.dossier.components[0].name, reason: "Ảnh chụp mờ, hãy chụp lại" }] },
      });
      assert.equal(asked.status, 200, JSON.stringify(asked.json));
      await page.goto(`${server.base}/ho-so-cua-toi/${code}`);
      assert.match(await page.locator(".action-box.attention").textContent(), /Ảnh chụp mờ/);
      await accessible(page, `${what}: supplement asked`);
      await page.locator(".action-box.attention input[type=file]").first().setInputFiles(join(dir, "giay-chung-sinh.pdf"));
      await sendFiles(page, "Gửi bổ sung", page.locator("[role=status]", { hasText: "Đã gửi phần bổ sung" }));
      assert.match(await page.locator("[role=status]").first().textContent(), /Đã gửi phần bổ sung/);
      const after = await api(`/api/v1/dossiers/${encodeURIComponent(code)}`, { token: desk });
      // Before acceptance the dossier goes back to the desk's check; the supplement is recorded.
      assert.ok(["submitted", "supplemented"].includes(after.json.dossier.status), after.json.dossier.status);
      assert.ok(after.json.dossier.supplements[0].submitted_at, "the supplement is recorded");
      assert.equal(after.json.dossier.components[0].files.length, filesBefore + 1, "the new file joins the document asked for");

      // Withdraw, with a reason (refused without one).
      await page.getByText("Rút hồ sơ", { exact: true }).first().click();
      await page.getByRole("button", { name: "Rút hồ sơ" }).click();
      await page.waitForLoadState();
      assert.match(await page.locator(".error-summary").textContent(), /lý do/);
      await page.getByLabel("Lý do rút hồ sơ").fill("Nộp nhầm thủ tục");
      await page.getByRole("button", { name: "Rút hồ sơ" }).click();
      await page.waitForLoadState();
      assert.match(await page.locator(".status-box").textContent(), /rút/);
      await context.close();
    });
  }

  test(`a draft survives signing out and resumes in a new browser (${engine})`, async () => {
    server = servers[engine];
    const first = await browser.newContext(PHONE);
    const page = await first.newPage();
    const draft = await fillDraft(page, "resume");
    await first.close();
    const second = await browser.newContext(DESKTOP);
    const again = await second.newPage();
    await again.goto(`${server.base}/ho-so-cua-toi`);
    await signIn(again);
    assert.match(again.url(), /\/ho-so-cua-toi$/);
    const resume = again.getByRole("link", { name: /Tiếp tục/ }).first();
    await resume.click();
    await again.waitForLoadState();
    assert.equal(again.url(), `${draft}/giay-to`, "resumed at the step it stopped at");
    await again.goto(`${draft}/nguoi-nop`);
    assert.equal(await again.getByLabel("Số định danh cá nhân").inputValue(), "024090001234");
    // Deleted on request.
    await again.goto(`${server.base}/ho-so-cua-toi`);
    const before = await again.getByRole("link", { name: /Tiếp tục/ }).count();
    await again.getByRole("button", { name: /^Xóa/ }).first().click();
    await again.waitForLoadState();
    assert.equal(await again.getByRole("link", { name: /Tiếp tục/ }).count(), before - 1);
    await accessible(again, "draft deleted");
    await second.close();
  });

  test(`a returned dossier is rated and its result downloaded (${engine})`, async () => {
    server = servers[engine];
    const citizen = await token("citizen1");
    const mine = await api("/api/v1/me/dossiers", { token: citizen });
    const returned = mine.json.items.find((d) => d.status === "returned");
    assert.ok(returned, "the demo has a returned dossier of citizen1");
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${server.base}/ho-so-cua-toi/${returned.code}`);
    await signIn(page);
    await accessible(page, "returned dossier");
    const download = page.getByRole("link", { name: /Tải kết quả điện tử/ });
    if (await download.count()) {
      const r = await page.request.get(await download.getAttribute("href"));
      assert.equal(r.status(), 200, "the result downloads");
    }
    // The overall level is required.
    await page.getByRole("button", { name: "Gửi đánh giá" }).click();
    await page.waitForLoadState();
    assert.match(await page.locator(".error-summary").textContent(), /hài lòng chung/);
    await page.locator("#muc-overall-very_satisfied").check();
    await page.locator("#muc-attitude-satisfied").check();
    await page.getByLabel("Góp ý").fill("Cán bộ hướng dẫn tận tình");
    await page.getByRole("button", { name: "Gửi đánh giá" }).click();
    await page.waitForLoadState();
    assert.match(await page.locator("[role=status]").first().textContent(), /Cảm ơn/);
    const d = await api(`/api/v1/dossiers/${encodeURIComponent(returned.code)}`, { token: citizen });
    assert.equal(d.json.dossier.rating.rating.levels.overall, "very_satisfied");
    await context.close();
  });
}
