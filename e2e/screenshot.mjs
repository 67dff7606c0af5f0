// Usage: node screenshot.mjs URL OUT.png [phone|desktop] [fullpage]
import { launch, PHONE, DESKTOP } from "./lib.mjs";
const [url, out, device = "desktop", full = "fullpage"] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage(device === "phone" ? PHONE : DESKTOP);
await page.goto(url, { waitUntil: "networkidle" });
await page.screenshot({ path: out, fullPage: full === "fullpage" });
await browser.close();
