// The citizen's path through the catalog, in a real browser: search "dang ky khai sinh"
// without diacritics, open the first result, check what to prepare. Every page visited must
// pass the automated WCAG 2.2 A/AA checks of axe-core with no serious or critical violation.
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

for (const [name, device] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`search without diacritics, open the first result, read the documents table (${name})`, async () => {
    const page = await browser.newPage(device);
    await page.goto(server.base + "/");
    assert.deepEqual(await accessibilityProblems(page), [], "home page accessibility");

    await page.getByLabel("Tìm thủ tục hành chính").fill("dang ky khai sinh");
    await page.getByRole("button", { name: "Tìm kiếm" }).click();
    await page.waitForURL(/\/thu-tuc\?q=dang\+ky\+khai\+sinh/);
    assert.deepEqual(await accessibilityProblems(page), [], "results page accessibility");

    const first = page.locator("ol.results li, ul.results li").first().locator("h3 a");
    assert.equal((await first.textContent()).trim(), "Thủ tục đăng ký khai sinh");
    // The first result is on the first screen, on a phone too (the filters come after).
    const spot = await first.boundingBox();
    assert.ok(spot && spot.y + spot.height <= device.viewport.height, `first result at ${JSON.stringify(spot)}`);
    await first.click();
    await page.waitForURL(/\/thu-tuc\/1\.001193$/);
    assert.equal((await page.locator("h1").textContent()).trim(), "Thủ tục đăng ký khai sinh");
    assert.deepEqual(await accessibilityProblems(page), [], "procedure page accessibility");

    // The documents table: a caption per group, a row per document with originals and copies.
    const table = page.locator("table.docs").first();
    await table.scrollIntoViewIfNeeded();
    assert.equal((await table.locator("caption").textContent()).trim(), "Giấy tờ phải nộp");
    const rows = table.locator("tbody tr");
    assert.ok((await rows.count()) >= 3, "several documents to prepare");
    const birthCertificate = rows.filter({ hasText: "Giấy chứng sinh;" });
    assert.equal(await birthCertificate.count(), 1);
    assert.equal((await birthCertificate.locator("td.col-num").first().textContent()).trim(), "1");
    // The checklist works without JavaScript state: tick a document.
    const box = birthCertificate.getByRole("checkbox");
    await box.check();
    assert.equal(await box.isChecked(), true);
    // Time and fee are stated plainly.
    assert.match(await page.locator(".facts").textContent(), /1 ngày làm việc/);
    assert.match(await page.locator(".facts").textContent(), /Miễn phí/);
    await page.close();
  });
}

test("type-ahead suggests procedures while typing", async () => {
  const page = await browser.newPage(DESKTOP);
  await page.goto(server.base + "/");
  await page.getByLabel("Tìm thủ tục hành chính").pressSequentially("khai s", { delay: 30 });
  // Suggestions follow the typing; under load an earlier prefix ("khai") may answer first, so
  // wait for the list of the whole word typed.
  const option = page.getByRole("option", { name: /khai sinh/i }).first();
  await option.waitFor();
  assert.match(await option.textContent(), /khai sinh/i);
  await page.close();
});

test("filters narrow the results and keep the query", async () => {
  const page = await browser.newPage(DESKTOP);
  await page.goto(server.base + "/thu-tuc?q=dang+ky");
  const before = Number((await page.locator(".results-count").textContent()).match(/\d+/)[0]);
  await page.getByLabel("Cấp thực hiện").selectOption("commune");
  await page.getByRole("button", { name: "Áp dụng bộ lọc" }).click();
  await page.waitForURL(/level=commune/);
  assert.match(page.url(), /q=dang\+ky/);
  const after = Number((await page.locator(".results-count").textContent()).match(/\d+/)[0]);
  assert.ok(after > 0 && after < before, `${after} < ${before}`);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test("agencies page lists current agencies and the former ones with successors", async () => {
  const page = await browser.newPage(DESKTOP);
  await page.goto(server.base + "/co-quan");
  assert.match(await page.locator("body").textContent(), /Ủy ban nhân dân tỉnh Bắc Ninh/);
  await page.getByText(/Xem \d+ cơ quan/).click();
  assert.match(await page.locator("table.ended").textContent(), /Ủy ban nhân dân tỉnh Bắc Giang/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test("unknown pages get a Vietnamese 404 page", async () => {
  const page = await browser.newPage(DESKTOP);
  const response = await page.goto(server.base + "/khong-co-trang-nay");
  assert.equal(response.status(), 404);
  assert.match(await page.locator("h1").textContent(), /Không tìm thấy trang/);
  await page.close();
});
