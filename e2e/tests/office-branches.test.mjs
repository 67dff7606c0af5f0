// The officials' workspace beyond the straight path office.test.mjs walks, on every engine:
// a supplement round trip (the desk asks, the citizen sends it from the portal, the desk
// confirms it), a consultation answered by the consulted agency's official, a transfer to
// another ward, an apology with a new date, the result issued by the clerk and returned by the
// desk, a refusal, a withdrawal, stopping, a stale screen told someone acted first, and actions
// posted by hand by someone without the grant refused with the dossier unchanged. Everything is
// done on the pages by the demo officials; only the citizen's submission goes through the API.
// Every page reached passes axe-core (WCAG 2.2 A/AA).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, accessibilityProblems, DESKTOP, PHONE, ENGINES } from "../lib.mjs";

let browser, dir;
/** One server per engine, running only while that engine's tests do (a 2-core CI machine). */
const servers = {};
/** Signed-in browser contexts, one per engine and user, reused by the tests. */
const sessions = {};
before(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "motcua-office-"));
  writeFileSync(join(dir, "bo-sung.pdf"), "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const BIRTH = "1.001193"; // Đăng ký khai sinh: one working day
const REREGISTER = "1.004884"; // Đăng ký lại khai sinh: five working days, room for an apology
const WARD = "bn.x07210"; // Phường Bắc Giang

async function api(base, path, { token, method = "GET", body, type = "application/json" } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = type;
  const r = await fetch(base + path, {
    method, headers, body: body === undefined ? undefined : (type === "application/json" ? JSON.stringify(body) : body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** An online dossier of `procedure` by citizen1 at Phường Bắc Giang; returns its code. */
async function submitOnline(base, applicantName, procedure = BIRTH) {
  const { token } = await api(base, "/api/v1/auth/token", {
    method: "POST", body: { username: "citizen1", password: "motcua-demo", name: "e2e" },
  });
  const file = await api(base, "/api/v1/files?name=to-khai.pdf", {
    token, method: "POST", body: "%PDF-1.4 e2e", type: "application/pdf",
  });
  const p = await api(base, `/api/v1/procedures/${procedure}`, { token });
  const components = p.documents[0]
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.kind === "required")
    .map(({ index }) => ({ index, files: [file.id] }));
  const d = await api(base, "/api/v1/dossiers", {
    token, method: "POST", body: {
      procedure, agency: WARD, components, return_method: "online",
      applicant: { kind: "individual", name: applicantName, citizen_id: "024090001234",
        phone: "0912345678", email: "citizen1@example.vn", address: null, tax_code: null },
    },
  });
  return d.code;
}

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

/** A page of `username`'s signed-in context on `engine` (signed in once per engine); citizen1
 * lands on the portal, the officials on their queues. */
async function as(engine, username) {
  const key = `${engine}/${username}`;
  if (!sessions[key]) {
    const context = await browser.newContext(username === "citizen1" ? PHONE : DESKTOP);
    const page = await context.newPage();
    await page.goto(servers[engine].base + "/dang-nhap");
    await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill(username);
    await page.getByLabel("Mật khẩu").fill("motcua-demo");
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/dang-nhap"));
    await page.close();
    sessions[key] = context;
  }
  return sessions[key].newPage();
}

/** `username`'s dossier screen for `code`. */
async function screen(engine, username, code) {
  const page = await as(engine, username);
  await page.goto(`${servers[engine].base}/mot-cua/ho-so/${encodeURIComponent(code)}`);
  await accessible(page, `${engine} ${username} dossier`);
  return page;
}

/** The status shown on the dossier screen. */
async function status(page) {
  return (await page.locator("main .badge.status").first().textContent()).trim();
}

/** The action forms offered on the dossier screen, by label. */
async function offered(page) {
  return (await page.locator("details.action > summary").allTextContents()).map((s) => s.trim());
}

/** Opens an action's panel, fills it, submits it and waits for the answer's page; returns the
 * HTTP status of the form's answer (303 when it succeeded, then the screen with the banner). */
async function act(page, label, fill = async () => {}) {
  const panel = page.locator("details.action", { has: page.locator("summary", { hasText: label }) });
  // A form that failed comes back open; a click on its summary would close it.
  if (!(await panel.evaluate((d) => d.open))) await panel.locator("summary").click();
  await fill(panel);
  const answer = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === "POST");
  const loaded = page.waitForEvent("framenavigated", (f) => f === page.mainFrame());
  await panel.getByRole("button", { name: label }).click();
  const code = (await answer).status();
  await loaded;
  await page.waitForURL(code === 303 ? /\?xong=/ : /\/thao-tac\//);
  return code;
}

/** `act`, which must succeed; then the banner and the screen's accessibility are checked. */
async function actOk(page, label, what, fill) {
  const code = await act(page, label, fill);
  const problem = code === 303 ? "" : await page.locator(".error-summary, #thong-bao").allTextContents();
  assert.equal(code, 303, `${what}: ${label} succeeded ${problem}`);
  assert.match(await page.locator("#thong-bao").textContent(), /Đã thực hiện/);
  await accessible(page, `${what} after ${label}`);
}

/** The printed form `number` is linked from the screen and downloads as a PDF with the page's
 * session. */
async function printable(page, number, what) {
  const link = page.getByRole("link", { name: new RegExp(`^Mẫu ${number}:`) });
  assert.equal(await link.count(), 1, `${what}: Form ${number} is linked`);
  const r = await page.request.get(new URL(await link.getAttribute("href"), page.url()).href);
  assert.equal(r.status(), 200, `${what}: Form ${number} downloads`);
  assert.equal(r.headers()["content-type"], "application/pdf");
  assert.ok((await r.body()).subarray(0, 5).equals(Buffer.from("%PDF-")), `${what}: Form ${number} is a PDF`);
}

/** Today and a date `days` later in Vietnam, as `YYYY-MM-DD`. */
function vietnamDate(days = 0) {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The dossier as the JSON API shows it to the page's session (to check what pages do not
 * print, and that nothing changed). */
async function read(page, base, code) {
  const r = await page.request.get(`${base}/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(r.status(), 200);
  return (await r.json()).dossier;
}

for (const engine of ENGINES) describe(`the workspace's other branches on ${engine}`, () => {
  before(async () => {
    servers[engine] = await startServer(engine);
  });
  after(async () => {
    for (const [key, context] of Object.entries(sessions)) {
      if (key.startsWith(`${engine}/`)) await context.close();
    }
    await servers[engine]?.stop();
  });

  test(`a supplement round trip with the citizen, then a withdrawal on request (${engine})`, async () => {
    const base = servers[engine].base;
    const what = `${engine} supplement`;
    const code = await submitOnline(base, "Trần Văn Bổ");
    const desk = await screen(engine, "receiver1", code);
    assert.equal(await status(desk), "Chờ tiếp nhận");
    await actOk(desk, "Tiếp nhận hồ sơ", what);
    assert.equal(await status(desk), "Đang xử lý");

    // Every missing item at once: a component ticked by keyboard, and the reason.
    await actOk(desk, "Yêu cầu bổ sung hồ sơ", what, async (panel) => {
      const first = panel.locator("input[name=items]").first();
      await first.focus();
      await desk.keyboard.press("Space");
      assert.ok(await first.isChecked(), "ticked with the space bar");
      await panel.getByLabel("Nội dung cần bổ sung, hoàn thiện").fill("Bản chụp mờ, hãy chụp lại rõ nét");
    });
    assert.equal(await status(desk), "Chờ bổ sung hồ sơ");
    await printable(desk, "02", what);

    // The citizen sends it from the portal.
    const citizen = await as(engine, "citizen1");
    await citizen.goto(`${base}/ho-so-cua-toi/${code}`);
    assert.match(await citizen.locator(".action-box.attention").textContent(), /Bản chụp mờ/);
    await accessible(citizen, `${what}: asked, on the portal`);
    await citizen.locator(".action-box.attention input[type=file]").first().setInputFiles(join(dir, "bo-sung.pdf"));
    await citizen.getByRole("button", { name: "Gửi bổ sung" }).click();
    await citizen.locator("[role=status]", { hasText: "Đã gửi phần bổ sung" }).waitFor();
    await accessible(citizen, `${what}: sent, on the portal`);
    await citizen.close();

    // The desk sees it, with the new file, and confirms it complete.
    await desk.goto(`${base}/mot-cua/ho-so/${encodeURIComponent(code)}`);
    assert.equal(await status(desk), "Đã bổ sung, chờ kiểm tra");
    assert.match(await desk.locator("ol.components").textContent(), /bo-sung\.pdf/);
    await accessible(desk, `${what}: supplemented`);
    await actOk(desk, "Nhận hồ sơ bổ sung", what);
    assert.equal(await status(desk), "Đang xử lý");
    await printable(desk, "02", `${what} received`);

    // Withdrawn at the desk on the applicant's request; a reason is required.
    assert.equal(await act(desk, "Rút hồ sơ"), 422);
    assert.match(await desk.locator(".error-summary").textContent(), /Rút hồ sơ/);
    await accessible(desk, `${what}: withdrawal without a reason`);
    await actOk(desk, "Rút hồ sơ", what, (panel) => panel.getByLabel("Lý do").fill("Người nộp đề nghị rút để nộp lại"));
    assert.equal(await status(desk), "Đã rút hồ sơ");
    assert.deepEqual(await offered(desk), ["Ghi ý kiến"], "a closed dossier takes only comments");
    await desk.close();
  });

  test(`a handler consults another agency, whose official replies; the leader stops it (${engine})`, async () => {
    const base = servers[engine].base;
    const what = `${engine} consult`;
    const code = await submitOnline(base, "Phạm Thị Hỏi");
    const desk = await screen(engine, "receiver1", code);
    await actOk(desk, "Tiếp nhận hồ sơ", what);
    await actOk(desk, "Chuyển bước tiếp theo", what);
    await desk.close();

    const handler = await screen(engine, "handler1", code);
    await actOk(handler, "Xin ý kiến", what, async (panel) => {
      await panel.getByLabel("Cơ quan được xin ý kiến").selectOption("bn.stp");
      await panel.getByLabel("Nội dung xin ý kiến").fill("Đề nghị cho ý kiến về giấy tờ của người nước ngoài");
      await panel.getByLabel(/Thời hạn trả lời/).fill("2");
    });
    assert.match(await handler.locator("ol.timeline").textContent(), /Xin ý kiến/);
    const asked = (await read(handler, base, code)).consultations[0];
    assert.equal(asked.agency, "bn.stp");
    assert.ok(asked.due && Date.parse(asked.due) > Date.now(), `a deadline: ${asked.due}`);
    assert.equal(await offered(handler).then((o) => o.includes("Trả lời xin ý kiến")), false,
      "the asking ward does not answer its own question");
    await handler.close();

    // The Department of Justice's handler finds the question on the dossier and answers it.
    const consulted = await screen(engine, "handler2", code);
    await actOk(consulted, "Trả lời xin ý kiến", what, async (panel) => {
      const option = panel.locator("option", { hasText: /^Số 1 / });
      assert.equal(await option.count(), 1, "the open question is offered");
      await panel.getByLabel("Yêu cầu xin ý kiến").selectOption(await option.getAttribute("value"));
      await panel.getByLabel("Trả lời").fill("Giấy tờ hợp lệ, đủ điều kiện");
    });
    assert.match(await consulted.locator("ol.timeline").textContent(), /trả lời xin ý kiến số 1/);
    assert.equal((await offered(consulted)).includes("Trả lời xin ý kiến"), false, "answered once");
    const answered = (await read(consulted, base, code)).consultations[0];
    assert.equal(answered.answer.text, "Giấy tờ hợp lệ, đủ điều kiện");
    await consulted.close();

    // The ward's leader stops it, with a reason.
    const leader = await screen(engine, "leader1", code);
    await actOk(leader, "Dừng xử lý", what, (panel) => panel.getByLabel("Lý do").fill("Người nộp không bổ sung được giấy tờ theo yêu cầu"));
    assert.equal(await status(leader), "Dừng xử lý");
    await leader.close();
  });

  test(`the desk transfers a dossier to another ward that offers the procedure (${engine})`, async () => {
    const base = servers[engine].base;
    const what = `${engine} transfer`;
    const code = await submitOnline(base, "Ngô Văn Chuyển");
    const desk = await screen(engine, "receiver1", code);
    const competent = async () => (await desk.locator("dt", { hasText: "Cơ quan giải quyết" }).locator("+ dd").textContent()).trim();
    const before = await competent();
    let chosen;
    await actOk(desk, "Chuyển cơ quan khác", what, async (panel) => {
      const picker = panel.getByLabel("Cơ quan nhận hồ sơ");
      const options = await picker.locator("option:not([value=''])").evaluateAll((os) => os.map((o) => ({ id: o.value, name: o.textContent })));
      assert.ok(options.length > 1, "the wards offering the procedure are listed");
      assert.equal(options.some((o) => o.id === WARD), false, "not the ward that has it already");
      chosen = options.find((o) => o.id !== WARD);
      await picker.selectOption(chosen.id);
      await panel.getByLabel("Lý do").fill("Người nộp thường trú tại phường khác");
    });
    assert.notEqual(await competent(), before);
    assert.equal(await competent(), chosen.name.trim());
    assert.equal(await status(desk), "Chờ tiếp nhận", "the new ward's desk accepts it");
    assert.match(await desk.locator("ol.timeline").textContent(), /Chuyển cơ quan khác/);
    // The desk that received it can still withdraw it on request, nothing else.
    assert.deepEqual(await offered(desk), ["Rút hồ sơ"]);
    await desk.close();
  });

  test(`the desk refuses; a screen left open is told someone acted first (${engine})`, async () => {
    const base = servers[engine].base;
    const what = `${engine} refuse`;
    const code = await submitOnline(base, "Lý Văn Từ");
    const first = await screen(engine, "receiver1", code);
    const second = await screen(engine, "receiver1", code);
    await actOk(first, "Từ chối giải quyết", what, (panel) => panel.getByLabel("Lý do").fill("Không thuộc thẩm quyền giải quyết của phường"));
    assert.equal(await status(first), "Từ chối giải quyết");
    await printable(first, "03", what);

    assert.equal(await act(second, "Tiếp nhận hồ sơ"), 409);
    assert.match(await second.locator("#thong-bao").textContent(), /Người khác đã thao tác trên hồ sơ này trước bạn/);
    assert.equal(await status(second), "Từ chối giải quyết", "the dossier as it is now");
    assert.equal(await second.locator("details.action[open]").count(), 0, "the stale form is not reopened");
    await accessible(second, `${what}: conflict`);
    await first.close();
    await second.close();
  });

  test(`an apology with a new date, the result issued and returned; actions beyond a grant refused (${engine})`, async () => {
    const base = servers[engine].base;
    const what = `${engine} result`;
    const code = await submitOnline(base, "Đinh Thị Kết", REREGISTER);
    const desk = await screen(engine, "receiver1", code);
    await actOk(desk, "Tiếp nhận hồ sơ", what);
    await actOk(desk, "Chuyển bước tiếp theo", what);
    const handler = await screen(engine, "handler1", code);
    await actOk(handler, "Chuyển bước tiếp theo", what);
    await handler.close();

    // At the approval step: the desk officer and the citizen post the approval by hand.
    await desk.goto(`${base}/mot-cua/ho-so/${encodeURIComponent(code)}`);
    assert.equal((await offered(desk)).includes("Phê duyệt, ký"), false);
    const before = await read(desk, base, code);
    const post = (page, csrf) => page.request.post(`${base}/mot-cua/ho-so/${encodeURIComponent(code)}/thao-tac/approve`, {
      form: { csrf, revision: String(before.revision) }, maxRedirects: 0,
    });
    const deskCsrf = await desk.locator("input[name=csrf]").first().inputValue();
    assert.equal((await post(desk, deskCsrf)).status(), 403, "a desk officer does not approve");
    const citizen = await as(engine, "citizen1");
    await citizen.goto(`${base}/ho-so-cua-toi/${code}`);
    await accessible(citizen, `${what}: the citizen's dossier`);
    const citizenCsrf = await citizen.locator("input[name=csrf]").first().inputValue();
    const refused = (await post(citizen, citizenCsrf)).status();
    assert.ok([403, 404].includes(refused), `the citizen does not approve: ${refused}`);
    await citizen.close();
    const unchanged = await read(desk, base, code);
    assert.equal(unchanged.revision, before.revision, "nothing changed");
    assert.equal(unchanged.approved_by ?? null, null);
    await desk.close();

    // The leader apologises with a new date (Form 04), then approves.
    const leader = await screen(engine, "leader1", code);
    await actOk(leader, "Xin lỗi, hẹn lại ngày trả", what, async (panel) => {
      await panel.getByLabel("Lý do chậm trễ").fill("Cần xác minh thêm với nơi đăng ký khai sinh trước đây");
      await panel.getByLabel("Ngày giờ hẹn mới").fill(`${vietnamDate(30)}T09:00`);
    });
    assert.match(await leader.locator("dt", { hasText: "Hẹn trả kết quả" }).locator("+ dd").textContent(), /đã hẹn lại/);
    assert.equal((await offered(leader)).includes("Xin lỗi, hẹn lại ngày trả"), false, "one apology only");
    await printable(leader, "04", what);
    await actOk(leader, "Phê duyệt, ký", what);
    await leader.close();

    // The clerk numbers and issues it.
    const clerk = await screen(engine, "clerk1", code);
    await actOk(clerk, "Phát hành kết quả", what, async (panel) => {
      await panel.getByLabel("Số văn bản kết quả").fill("125/TP-HT");
      await panel.getByLabel(/Ngày ký/).fill(vietnamDate());
    });
    assert.equal(await status(clerk), "Đã có kết quả, chờ trả");
    const issued = (await read(clerk, base, code)).result;
    assert.equal(issued.number, "125/TP-HT");
    assert.equal(issued.signed_on, vietnamDate());
    await clerk.close();

    // The desk hands it over.
    const back = await screen(engine, "receiver1", code);
    await actOk(back, "Trả kết quả", what);
    assert.equal(await status(back), "Đã trả kết quả");
    await back.close();
  });
});
