// Signing in, registering and the account page in a real browser, on a phone and a desktop:
// everything works without JavaScript state, and every page passes axe-core's WCAG 2.2 A/AA
// checks with no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, accessibilityProblems, PHONE, DESKTOP } from "../lib.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

for (const [name, device] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`sign-in pages and the account page (${name})`, async () => {
    const context = await browser.newContext(device);
    const page = await context.newPage();

    await page.goto(server.base + "/dang-ky");
    await accessible(page, "registration");
    await page.getByRole("button", { name: "Đăng ký", exact: true }).last().click();
    await page.waitForLoadState();
    assert.match(await page.locator(".alert.error").textContent(), /chưa hợp lệ/);
    await accessible(page, "registration with errors");

    await page.goto(server.base + "/quen-mat-khau");
    await accessible(page, "forgotten password");
    await page.goto(server.base + "/dat-lai-mat-khau?ma=abc");
    await accessible(page, "new password");

    await page.goto(server.base + "/dang-nhap");
    await accessible(page, "login");
    await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill("admin");
    await page.getByLabel("Mật khẩu").fill("không đúng");
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
    await page.waitForLoadState();
    assert.match(await page.locator("[role=alert]").textContent(), /không đúng/);
    await accessible(page, "login error");
    await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill("admin");
    await page.getByLabel("Mật khẩu").fill("motcua-demo");
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
    // An administrator lands on the officials' page; the account page is one link away.
    await page.waitForURL(/\/mot-cua\/can-bo$/);
    await page.locator(".account-link").click();
    await page.waitForURL(/\/tai-khoan$/);
    assert.match(await page.locator(".account-link").textContent(), /Quản trị hệ thống/);
    await accessible(page, "account page");

    // An API token, shown once (the form is folded away once tokens exist).
    const create = page.locator("details.create-token");
    if (!(await create.evaluate((d) => d.open))) await create.locator("summary").click();
    await page.getByLabel("Tên gợi nhớ").fill("Đồng bộ thử");
    await page.getByRole("checkbox", { name: /catalog\.import/ }).check();
    await page.getByRole("button", { name: "Tạo mã" }).click();
    await page.waitForLoadState();
    assert.match(await page.locator("#new-token").textContent(), /^mct_[0-9a-f]{64}$/);
    await accessible(page, "token created");

    await page.goto(server.base + "/tai-khoan/xac-thuc-hai-buoc");
    assert.equal(await page.locator("figure.qr svg").count(), 1);
    await accessible(page, "two-factor setup");

    await page.getByRole("button", { name: "Đăng xuất", exact: true }).click();
    await page.waitForURL(server.base + "/");
    assert.equal(await page.getByRole("link", { name: "Đăng nhập" }).count(), 1);
    await context.close();
  });
}

test("signing in and out works with JavaScript turned off", async () => {
  const context = await browser.newContext({ ...PHONE, bypassCSP: false, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + "/dang-nhap");
  await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill("citizen1");
  await page.getByLabel("Mật khẩu").fill("motcua-demo");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  await page.waitForURL(/\/tai-khoan$/);
  assert.match(await page.locator("h1").textContent(), /Tài khoản của tôi/);
  await page.getByRole("button", { name: "Đăng xuất", exact: true }).click();
  await page.waitForURL(server.base + "/");
  await context.close();
});
