// The whole program in a real browser: `duos serve` on a copy of the site
// root, walked by a visitor, mentees, a mentor, the chair; once more
// without JavaScript; axe-core on every page template; live reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, startServer, adoptServer, copySite, tempDir, axe, screenshot, screenshotDir } from "./harness.js";

let browser;
let server;
let root;
let data;
const violations = {};
const checked = new Set();

before(async () => {
  const adopted = adoptServer();
  if (adopted) {
    ({ root, data, server } = adopted);
  } else {
    root = copySite();
    data = tempDir("duos-data-");
    server = await startServer({ root, data, today: "2008-03-01" });
  }
  browser = await launch();
  console.log(`# screenshots: ${screenshotDir}`);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** Checks the page with axe-core once per template name. */
async function audit(page, template) {
  if (checked.has(template)) return;
  checked.add(template);
  const found = await axe(page);
  if (found.length) violations[template] = found;
  assert.deepEqual(found, [], `axe-core on ${template} (${page.url()})`);
}

/** A browser context signed in as `memberId` through the development sign-in. */
async function signIn(memberId, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(server.url + "/auth/dev?next=/members/");
  await page.locator(`form:has(input[name=member_id][value="${memberId}"]) button`).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/auth/"));
  return { context, page };
}

test("a visitor reads the program pages", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const home = await page.goto(server.url + "/");
  assert.equal(home.status(), 200);
  assert.match(home.headers()["content-type"], /text\/html/);
  assert.match(await page.locator("h1").first().innerText(), /\S/);
  await audit(page, "index.html");
  await screenshot(page, "home");
  await page.goto(server.url + "/program/how-duos-form/");
  assert.match(await page.locator("h1").innerText(), /How duos form/i);
  await audit(page, "page.html");
  await page.goto(server.url + "/program/");
  await audit(page, "section.html");
  const missing = await page.goto(server.url + "/no/such/page/");
  assert.equal(missing.status(), 404);
  await audit(page, "404.html");
  const css = await context.request.get(server.url + (await page.locator("link[rel=stylesheet]").getAttribute("href")));
  assert.match(css.headers()["content-type"], /text\/css/);
  await context.close();
});

test("the directory is refused before sign-in", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/members/mentors/");
  assert.match(new URL(page.url()).pathname, /^\/auth\//);
  assert.match(await page.locator("h1").innerText(), /sign-in/i);
  assert.equal(await page.locator("[data-mentors], .card").count(), 0);
  await audit(page, "auth-dev");
  const raw = await context.request.get(server.url + "/members/mentors/", { maxRedirects: 0 });
  assert.equal(raw.status(), 303);
  await context.close();
});

let mentee;

test("a first-year member signs in and applies as mentee", async () => {
  mentee = await signIn("M3001");
  const { page } = mentee;
  await page.goto(server.url + "/members/");
  await audit(page, "view:home");
  await page.goto(server.url + "/members/apply/");
  await audit(page, "view:apply");
  // Inline validation: nothing typed, the error shows next to the field.
  await page.locator("#mentee-form button[type=submit]").click();
  await assert.doesNotReject(page.locator("#mentee-goals-error").waitFor({ state: "visible" }));
  assert.match(await page.locator("#mentee-goals-error").innerText(), /fill this in/i);
  await page.fill("#mentee-goals", "Learn to lead a branch library and plan its budget.");
  await page.locator("#mentee-form input[name=interests][value=budgeting-and-finance]").check();
  await page.locator("#mentee-form button[type=submit]").click();
  await page.waitForURL(/\/apply\/done\//);
  assert.match(await page.locator("#result").innerText(), /Accepted/);
  await audit(page, "view:apply_done");
  await screenshot(page, "apply-accepted");
});

test("the same application without JavaScript", async () => {
  const { context, page } = await signIn("M3003", { javaScriptEnabled: false });
  await page.goto(server.url + "/members/apply/");
  await page.fill("#mentee-goals", "Grow into a management role.");
  await page.locator("#mentee-form button[type=submit]").click();
  await page.waitForURL(/\/apply\/done\//);
  assert.match(await page.locator("#result").innerText(), /Accepted/);
  // A second application is refused with a clear message.
  await page.goto(server.url + "/members/apply/");
  assert.match(await page.locator("main").innerText(), /You applied as a mentee/);
  await context.close();
});

test("a mentor applies and the chair approves", async () => {
  const applicant = await signIn("M2101");
  await applicant.page.goto(server.url + "/members/apply/");
  await applicant.page.fill("#mentor-title", "Head of Technical Services");
  await applicant.page.fill("#mentor-institution", "Larkspur Valley Public Library");
  await applicant.page.locator("#mentor-form input[name=expertise][value=technology-leadership]").check();
  await applicant.page.fill("#mentor-years", "12");
  await applicant.page.fill("#mentor-bio", "Twenty years in public libraries, ten leading technical services.");
  await applicant.page.locator("#mentor-form button[type=submit]").click();
  await applicant.page.waitForURL(/\/apply\/done\/.*side=mentor/);
  assert.match(await applicant.page.locator("#result").innerText(), /received/i);
  await applicant.context.close();

  const chair = await signIn("M1001");
  await chair.page.goto(server.url + "/members/committee/applications/");
  await audit(chair.page, "view:committee_applications");
  await chair.page.locator('tr[data-application="mentor-M2101"] button', { hasText: "Approve" }).click();
  await chair.page.waitForURL(/decided=mentor-M2101/);
  assert.match(await chair.page.locator("#result").innerText(), /Decision recorded/);
  assert.match(await chair.page.locator('tr[data-application="mentor-M2101"] .state').innerText(), /approved/);
  await screenshot(chair.page, "committee-applications");
  await chair.context.close();
});

test("the mentee filters the directory, opens a profile and sends a request", async () => {
  const { page } = mentee;
  await page.goto(server.url + "/members/mentors/");
  await audit(page, "directory.html");
  const cards = page.locator("[data-mentors] .card");
  const all = await cards.count();
  assert.ok(all >= 10, `${all} mentors listed`);
  await page.selectOption("select[name=term]", "budgeting-and-finance");
  const visible = await page.locator("[data-mentors] .card:visible").count();
  assert.ok(visible > 0 && visible < all, `filter shows ${visible} of ${all}`);
  await screenshot(page, "directory-filtered");
  await page.locator("[data-mentors] .card:visible a", { hasText: "Margaret Okafor-Lind" }).first().click();
  await page.waitForURL(/\/members\/mentors\/margaret-okafor-lind\//);
  await audit(page, "profile.html");
  await page.locator(".request-link a").click();
  await page.waitForURL(/\/members\/requests\/new\//);
  await audit(page, "view:request_new");
  await page.fill("#request-message", "Your work on budgets is what I hope to learn.");
  await page.locator("#request-form button[type=submit]").click();
  await page.waitForURL(/\/members\/requests\/\?status=sent/);
  assert.match(await page.locator("#result").innerText(), /Request sent/);
  assert.match(await page.locator(".request").first().innerText(), /Margaret Okafor-Lind.*pending/s);
  await audit(page, "view:requests");
  await page.goto(server.url + "/members/expertise/budgeting-and-finance/");
  await audit(page, "expertise.html");
});

test("the mentor accepts, the chair assigns a liaison, both see the duo", async () => {
  const mentor = await signIn("M2001");
  await mentor.page.goto(server.url + "/members/requests/");
  await audit(mentor.page, "view:requests (mentor)");
  await mentor.page.locator("button", { hasText: "Accept Ada Quillfeather" }).click();
  await mentor.page.waitForURL(/status=accepted/);
  assert.match(await mentor.page.locator("#result").innerText(), /Accepted/);

  const chair = await signIn("M1001");
  await chair.page.goto(server.url + "/members/committee/duos/");
  await audit(chair.page, "view:committee_duos");
  const row = chair.page.locator("tr[data-duo]").first();
  await row.locator("select").selectOption("M1002");
  await row.locator("button", { hasText: "Assign" }).click();
  await chair.page.waitForURL(/assigned=/);
  assert.match(await chair.page.locator("#result").innerText(), /Liaison assigned/);
  assert.match(await chair.page.locator("tr[data-duo] .liaison").first().innerText(), /Felix Brantwood/);
  await chair.context.close();

  for (const page of [mentor.page, mentee.page]) {
    await page.goto(server.url + "/members/duo/");
    const text = await page.locator("main").innerText();
    assert.match(text, /Margaret Okafor-Lind/);
    assert.match(text, /Ada Quillfeather/);
    assert.match(await page.locator(".liaison").innerText(), /Felix Brantwood/);
  }
  await audit(mentee.page, "view:duo");
  await screenshot(mentee.page, "duo");
  await mentor.context.close();
});

test("a mentee nominates a colleague, who consents through the e-mailed link", async () => {
  const { page } = mentee;
  await page.goto(server.url + "/members/nominate/");
  assert.match(await page.locator("h1").innerText(), /Nominate a member/);
  await audit(page, "view:nominate");
  await page.fill("#nominee", "M3002");
  await page.locator("input[name=kind][value=mentee]").check();
  await page.fill("#nominate-message", "You would get a lot out of the program.");
  await page.locator("#nominate-form button[type=submit]").click();
  await page.waitForURL(/\/nominate\/done\/\?status=sent/);
  assert.match(await page.locator("main").innerText(), /Nomination sent/);

  // The nominee's mail, as the outbox shows it.
  const outbox = await (await fetch(server.url + "/_outbox")).text();
  const file = [...outbox.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td><a href="\/_outbox\/([^"]+)"/g)].find((m) =>
    m[1].includes("bram.tollefsen-oakes@example.org"),
  );
  assert.ok(file, "a mail to the nominee is in the outbox");
  const mail = await (await fetch(server.url + "/_outbox/" + file[2])).text();
  const link = mail.match(/https?:\/\/[^\s<"]*\/nominate\/consent\/\?token=[A-Za-z0-9_-]+/);
  assert.ok(link, "the mail holds the consent link");

  const nominee = await signIn("M3002");
  await nominee.page.goto(link[0].replace(/^https?:\/\/[^/]+/, server.url));
  assert.match(await nominee.page.locator("h1").innerText(), /nominated/i);
  await audit(nominee.page, "view:consent");
  await nominee.page.locator("button[name=answer][value=consent]").click();
  await nominee.page.waitForURL(/\/nominate\/consent\/done\/\?status=consented/);
  assert.match(await nominee.page.locator("main").innerText(), /Thank you/);
  await nominee.context.close();
});

test("other pages: refusals, outbox", async () => {
  const { page } = mentee;
  await page.goto(server.url + "/members/committee/applications/");
  assert.equal((await page.request.get(server.url + "/members/committee/applications/")).status(), 403);
  assert.match(await page.locator("h1").innerText(), /Not for your role/);
  await audit(page, "view:message");
  await page.goto(server.url + "/_outbox");
  assert.match(await page.locator("main").innerText(), /ada\.quillfeather@example\.org/);
  await audit(page, "outbox");
  await page.locator("main a", { hasText: /./ }).nth(2).click();
  await audit(page, "outbox message");
});

test("live reload: an edited page changes without a restart; a content error shows in the page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/program/year-one/");
  const file = path.join(root, "content", "program", "year-one.md");
  const original = fs.readFileSync(file, "utf8");
  const reloaded = page.waitForEvent("load", { timeout: 20000 });
  fs.writeFileSync(file, original.replace(/^title: .*$/m, 'title: "Year one, edited live"'));
  await reloaded;
  assert.match(await page.locator("h1").innerText(), /Year one, edited live/);

  const broken = page.waitForEvent("load", { timeout: 20000 });
  fs.writeFileSync(file, original.replace(/^title: .*$/m, "title: [unclosed"));
  await broken;
  const overlay = await page.locator("#duos-error-overlay").innerText();
  assert.match(overlay, /content\/program\/year-one\.md:\d+:\d+: /);
  await audit(page, "error overlay");
  await screenshot(page, "error-overlay");
  assert.match(server.output(), /year-one\.md:\d+:\d+/);

  const fixed = page.waitForEvent("load", { timeout: 20000 });
  fs.writeFileSync(file, original);
  await fixed;
  assert.doesNotMatch(await page.content(), /duos-error-overlay/);
  await context.close();
});

test("months later: the mentee answers the mid-way survey, the committee sees the response rate", async () => {
  await mentee.context.close();
  await server.stop();
  server = await startServer({ root, data, today: "2008-11-20" });
  const m = await signIn("M3001");
  await m.page.goto(server.url + "/members/surveys/midpoint/");
  await audit(m.page, "view:survey");
  const form = m.page.locator("#survey-form");
  if ((await form.count()) === 0) assert.fail(`no survey form: ${await m.page.locator("main").innerText()}`);
  await form.locator("button[type=submit]").click();
  assert.ok((await form.locator(".field-error:visible").count()) > 0, "required answers are flagged");
  for (const fieldset of await form.locator("fieldset").all()) {
    const first = fieldset.locator("input").first();
    await first.check();
  }
  for (const area of await form.locator("textarea").all()) {
    await area.fill("Monthly calls have been very useful.");
  }
  await form.locator("button[type=submit]").click();
  await m.page.locator("#result").waitFor();
  assert.match(await m.page.locator("#result").innerText(), /recorded/);
  await screenshot(m.page, "survey-answered");
  await m.context.close();

  const chair = await signIn("M1001");
  await chair.page.goto(server.url + "/members/committee/surveys/");
  await audit(chair.page, "view:committee_surveys");
  const row = chair.page.locator('tr[data-survey="midpoint"]');
  assert.equal((await row.locator(".answered").innerText()).trim(), "1");
  assert.equal((await row.locator(".rate").innerText()).trim(), "50%");
  await screenshot(chair.page, "response-rates");
  await chair.context.close();
});

test("after the year: the alumni group, and the committee's report on screen and in print", async () => {
  await server.stop();
  server = await startServer({ root, data, today: "2009-05-15" });

  // The former mentee holds no cohort role now, yet joins the alumni group.
  const m = await signIn("M3001");
  await m.page.goto(server.url + "/members/alumni/");
  await audit(m.page, "view:alumni");
  assert.match(await m.page.locator("main").innerText(), /mentee of a duo that completed its year/);
  await m.page.getByRole("button", { name: "Join the alumni group" }).click();
  await m.page.waitForURL((u) => u.searchParams.get("status") === "joined");
  assert.match(await m.page.locator("[role=status]").innerText(), /You joined the alumni group/);
  assert.equal(await m.page.getByRole("button", { name: "Leave the alumni group" }).count(), 1);
  await m.context.close();

  // A member is refused the report; the chair reads it.
  const member = await signIn("M3003");
  const refused = await member.page.goto(server.url + "/members/report/");
  assert.equal(refused.status(), 403);
  await member.context.close();

  const chair = await signIn("M1001");
  const page = chair.page;
  const res = await page.goto(server.url + "/members/report/?cohort=2008");
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-security-policy"] || "", /style-src 'sha256-/);
  assert.match(await page.locator("h1").innerText(), /report/i);
  // The inline style ran under the report's own CSP (allowed by its hash).
  assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /Georgia/);
  const cell = (section, label) =>
    page.locator(`#${section} tr`, { has: page.locator(`td:text-is("${label}")`) }).locator("td").nth(1);
  assert.equal((await cell("duos", "Formed").innerText()).trim(), "1");
  assert.equal((await cell("duos", "Completed").innerText()).trim(), "1");
  assert.equal((await cell("duos", "With a liaison").innerText()).trim(), "1");
  assert.ok((await page.locator("#duos svg[role=img]").count()) === 1, "the duos chart as inline SVG");
  // One duo: every survey breakdown is over fewer than 5 people, so none
  // is drawn (the small-group rule); the page says so instead.
  assert.equal(await page.locator("section.survey svg").count(), 0);
  assert.match(await page.locator("section.survey").first().innerText(), /fewer than 5 answers/);
  const external = await page.evaluate(() =>
    [...document.querySelectorAll("[src], link[href]")].map((e) => e.getAttribute("src") || e.getAttribute("href")),
  );
  assert.deepEqual(external, [], "self-contained: no external assets");
  await audit(page, "report");
  await screenshot(page, "report");

  // Print: Chromium's own print to PDF, on the report's @page (US letter,
  // 1.8 cm side margins: 8.5in - 3.6cm = 680 CSS px of line). At that width
  // in print media, nothing may reach past the right margin, where the PDF
  // would cut it off.
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 680, height: 900 });
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > width + 0.5;
      })
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} ends at ${Math.round(e.getBoundingClientRect().right)}px`);
    return { width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5) };
  });
  assert.equal(overflow.width, 680);
  assert.deepEqual(overflow.wide, [], "nothing wider than the printed line");
  assert.ok(overflow.scroll <= overflow.width, `page scrolls sideways in print: ${overflow.scroll}px`);
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  fs.writeFileSync(path.join(screenshotDir, "report.pdf"), pdf);
  const text = pdf.toString("latin1");
  assert.ok(text.startsWith("%PDF-"), "a PDF");
  const pages = text.match(/\/Type\s*\/Page(?!s)/g) || [];
  assert.ok(pages.length >= 2, `the surveys start on their own page (${pages.length} pages)`);
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((b) => [Math.round(b[1]), Math.round(b[2])]);
  assert.ok(boxes.length > 0, "page boxes");
  for (const box of boxes) assert.deepEqual(box, [612, 792], "US letter, as the report's @page says");
  await chair.context.close();
});

test("no serious or critical axe-core violations on any page", () => {
  console.log(`# axe-core checked: ${[...checked].join(", ")}`);
  assert.deepEqual(violations, {});
});
