// Two cohorts at once, in a real browser: `duos serve` on a copy of the
// two-cohort sample, started on 2009-02-01 (the 2009–2010 applications are
// open while the 2008 pilot's duos run), then restarted on 2009-04-05 on the
// same data (the pilot's final survey is open). The seeded pilot duo is
// Daniel Whitcombe (M2002, mentor) and Esme Harrowgate (M3005, mentee),
// liaison Odette Marlowe-Finch; Farid Okonkwo-Blake (M3006) is a first-year
// member who applies to 2009.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, startServer, copySite, tempDir, axe, screenshot } from "./harness.js";

let browser;
let server;
let root;
let data;

before(async () => {
  root = copySite();
  data = tempDir("duos-data-cohorts-");
  server = await startServer({ root, data, today: "2009-02-01" });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A browser context signed in as `memberId` through the development sign-in. */
async function signIn(memberId, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(server.url + "/auth/dev?next=/members/");
  await page.locator(`form:has(input[name=member_id][value="${memberId}"]) button`).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/auth/"));
  return { context, page };
}

async function noViolations(page, what) {
  assert.deepEqual(await axe(page), [], `axe-core on ${what} (${page.url()})`);
}

test("2009-02-01: a 2009 applicant applies while the pilot's duo still sees its duo", async () => {
  const applicant = await signIn("M3006");
  await applicant.page.goto(server.url + "/members/apply/");
  assert.match(await applicant.page.locator(".lede").innerText(), /2009–2010\. Applications are open/);
  await applicant.page.fill("#mentee-goals", "Prepare to lead a branch library's reference team.");
  await applicant.page.locator("#mentee-form button[type=submit]").click();
  await applicant.page.waitForURL(/\/apply\/done\//);
  assert.match(await applicant.page.locator("#result").innerText(), /Accepted/);
  await applicant.context.close();

  for (const who of ["M3005", "M2002"]) {
    const { context, page } = await signIn(who);
    await page.goto(server.url + "/members/duo/");
    const duo = page.locator("section.duo");
    assert.equal(await duo.count(), 1, `${who} sees one duo`);
    const text = await duo.innerText();
    assert.match(text, /Daniel Whitcombe/);
    assert.match(text, /Esme Harrowgate/);
    assert.match(await duo.locator(".duo-cohort").innerText(), /2008–2009 pilot/);
    assert.match(await duo.locator(".liaison").innerText(), /Odette Marlowe-Finch/);
    assert.match(text, /active/);
    if (who === "M3005") {
      await noViolations(page, "duo page in the overlap");
      await screenshot(page, "cohorts-duo-2009-02-01");
    }
    await context.close();
  }
});

test("2009-02-01: a pilot mentee applying as a 2009 mentee is refused with a clear message", async () => {
  const { context, page } = await signIn("M3005", { javaScriptEnabled: false });
  await page.goto(server.url + "/members/apply/");
  await page.fill("#mentee-goals", "Another year, please.");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/applications")),
    page.locator("#mentee-form button[type=submit]").click(),
  ]);
  assert.equal(response.status(), 403);
  await page.waitForLoadState();
  assert.match(
    await page.locator("main").innerText(),
    /You were a mentee in the 2008–2009 pilot cohort; the program takes each mentee once\./,
  );
  await context.close();

  // With JavaScript the same message shows on the form.
  const js = await signIn("M3005");
  await js.page.goto(server.url + "/members/apply/");
  await js.page.fill("#mentee-goals", "Another year, please.");
  await js.page.locator("#mentee-form button[type=submit]").click();
  await js.page.getByText("the program takes each mentee once").first().waitFor();
  await js.context.close();
});

test("2009-02-01: the committee's pages show the running pilot, the next cohort a click away (no JavaScript)", async () => {
  const { context, page } = await signIn("M1001", { javaScriptEnabled: false });
  await page.goto(server.url + "/members/committee/duos/");
  assert.equal(await page.locator(".cohort-shown").getAttribute("data-cohort"), "2008");
  assert.equal(await page.locator("tr[data-duo]").count(), 1);
  assert.match(await page.locator("tr[data-duo]").innerText(), /Daniel Whitcombe.*Esme Harrowgate/s);
  await page.locator("a.cohort-next").click();
  await page.waitForURL(/\?cohort=2009$/);
  assert.equal(await page.locator(".cohort-shown").getAttribute("data-cohort"), "2009");
  assert.equal(await page.locator("tr[data-duo]").count(), 0);
  assert.match(await page.locator("main").innerText(), /No duos in 2009–2010 yet/);

  await page.goto(server.url + "/members/committee/applications/");
  assert.equal(await page.locator(".cohort-shown").getAttribute("data-cohort"), "2008");
  assert.equal(await page.locator('tr[data-application="mentee-M3005"]').count(), 1);
  assert.equal(await page.locator('tr[data-application="mentee-M3006"]').count(), 0);
  await page.locator('.cohort-choices a[data-cohort="2009"]').click();
  await page.waitForURL(/\?cohort=2009$/);
  assert.equal(await page.locator('tr[data-application="mentee-M3006"]').count(), 1);
  // The refused application wrote nothing.
  assert.equal(await page.locator('tr[data-application="mentee-M3005"]').count(), 0);
  assert.equal(await page.locator('.cohort-choices a[aria-current="page"]').getAttribute("data-cohort"), "2009");
  await noViolations(page, "committee applications with the cohort selector");
  await screenshot(page, "cohorts-committee-applications-2009");

  const unknown = await page.goto(server.url + "/members/committee/duos/?cohort=1999");
  assert.equal(unknown.status(), 404);
  assert.match(await page.locator("main").innerText(), /no cohort "1999"/);
  await context.close();
});

test("2009-04-05: the pilot mentee answers the final survey; the chair sees both cohorts' response rates", async () => {
  await server.stop();
  server = await startServer({ root, data, today: "2009-04-05" });

  const mentee = await signIn("M3005");
  await mentee.page.goto(server.url + "/members/surveys/final/");
  assert.match(await mentee.page.locator(".lede").innerText(), /2008–2009 pilot: open from 2009-04-01/);
  const form = mentee.page.locator("#survey-form");
  if ((await form.count()) === 0) assert.fail(`no survey form: ${await mentee.page.locator("main").innerText()}`);
  for (const fieldset of await form.locator("fieldset").all()) {
    await fieldset.locator("input").first().check();
  }
  for (const area of await form.locator("textarea").all()) {
    await area.fill("A good year.");
  }
  await form.locator("button[type=submit]").click();
  await mentee.page.locator("#result").waitFor();
  assert.match(await mentee.page.locator("#result").innerText(), /recorded/);
  await mentee.context.close();

  // The 2009 mentee has no duo yet: the final survey is not theirs.
  const next = await signIn("M3006");
  await next.page.goto(server.url + "/members/surveys/final/");
  assert.equal(await next.page.locator("#survey-form").count(), 0);
  await next.context.close();

  const chair = await signIn("M1001", { javaScriptEnabled: false });
  const page = chair.page;
  await page.goto(server.url + "/members/committee/surveys/");
  assert.equal(await page.locator(".cohort-shown").getAttribute("data-cohort"), "2008");
  const row = page.locator('tr[data-survey="final"]');
  assert.equal((await row.locator(".answered").innerText()).trim(), "1");
  assert.equal((await row.locator(".rate").innerText()).trim(), "50%");
  await noViolations(page, "response rates with the cohort selector");
  await screenshot(page, "cohorts-response-rates-2008");
  await page.locator("a.cohort-next").click();
  await page.waitForURL(/\?cohort=2009$/);
  assert.equal(await page.locator(".cohort-shown").getAttribute("data-cohort"), "2009");
  assert.equal((await row.locator(".answered").innerText()).trim(), "0");
  assert.equal((await row.locator(".rate").innerText()).trim(), "0%");

  // The report: the running pilot by default, the next cohort one link away.
  const report = await page.goto(server.url + "/members/report/");
  assert.equal(report.status(), 200);
  assert.match(await page.locator("nav.cohorts a[aria-current=page]").innerText(), /2008–2009 pilot/);
  await page.locator("nav.cohorts a", { hasText: "2009–2010" }).click();
  await page.waitForURL(/\/members\/report\/\?cohort=2009$/);
  assert.match(await page.locator("nav.cohorts a[aria-current=page]").innerText(), /2009–2010/);
  await chair.context.close();
});
