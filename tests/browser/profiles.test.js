// Profiles members write, in a real browser, on `duos serve` (2008-03-01,
// the 2008 cohort open): Ingrid Halvorsen-Pike (M2101) volunteers with a
// full profile (two career entries, one education entry) without
// JavaScript; the chair (M1001) sees the whole profile on the applications
// page and approves; Ada Quillfeather (M3001) applies as a mentee, finds
// Ingrid in the directory, on her expertise page and through the filter,
// opens the profile and asks; Ingrid sees Ada's background with the
// request and accepts; the profile then says she is taken. Then Ingrid
// edits her profile (bio and title) through the preview; the next load of
// the directory shows the new bio on her card (and the title), and her
// page shows it too. No restart anywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, startServer, copySite, tempDir, axe, screenshot } from "./harness.js";

let browser;
let server;

const MENTOR = "M2101";
const NAME = "Ingrid Halvorsen-Pike";
const MENTEE = "M3001";
const BACKGROUND = "Circulation supervisor at a rural branch for two years";

before(async () => {
  server = await startServer({ root: copySite(), data: tempDir("duos-data-profiles-"), today: "2008-03-01" });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function signIn(memberId, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(server.url + "/auth/dev?next=/members/");
  await page.locator(`form:has(input[name=member_id][value="${memberId}"]) button`).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/auth/"));
  return { context, page };
}

test("a volunteer's profile goes from the application form to the directory, is asked, taken and edited", async () => {
  // 1. Ingrid volunteers with a full profile, no JavaScript.
  const mentor = await signIn(MENTOR, { javaScriptEnabled: false });
  let page = mentor.page;
  await page.goto(server.url + "/members/apply/");
  await page.fill("#mentor-title", "Head of Youth Services");
  await page.fill("#mentor-institution", "Lakeshore Regional Library");
  await page.check('#mentor-form input[name=expertise][value="technology-leadership"]');
  await page.fill("#mentor-years", "10");
  await page.fill("#mentor-bio", "I built a *maker space* out of a storeroom.");
  await page.fill("#mentor-location", "Lakeshore, Example");
  await page.fill("#mentor-career-0-title", "Head of Youth Services");
  await page.fill("#mentor-career-0-organization", "Lakeshore Regional Library");
  await page.fill("#mentor-career-0-from", "2001");
  await page.fill("#mentor-career-0-to", "present");
  await page.fill("#mentor-career-1-title", "Children's Librarian");
  await page.fill("#mentor-career-1-organization", "Pinecrest Public Library");
  await page.fill("#mentor-career-1-from", "1994");
  await page.fill("#mentor-career-1-to", "2001");
  await page.fill("#mentor-education-0-degree", "MLIS");
  await page.fill("#mentor-education-0-institution", "Example State University");
  await page.fill("#mentor-education-0-year", "1993");
  await page.locator("#mentor-form button[type=submit]").click();
  await page.waitForURL(/\/apply\/done\//);

  // 2. The chair sees the whole profile and approves.
  const chair = await signIn("M1001", { javaScriptEnabled: false });
  await chair.page.goto(server.url + "/members/committee/applications/");
  const row = chair.page.locator(`tr[data-application="mentor-${MENTOR}"]`);
  const shown = await row.locator(".profile-information").textContent();
  for (const part of ["Pinecrest Public Library", "Children's Librarian", "MLIS", "Example State University", "Lakeshore, Example"]) {
    assert.match(shown, new RegExp(part), `the committee sees ${part}`);
  }
  assert.deepEqual(await axe(chair.page), [], "axe-core on the applications page");
  await row.locator("button", { hasText: "Approve" }).click();
  await chair.page.waitForURL(/decided=mentor-M2101/);

  // 3. A mentee applies with her background, finds Ingrid and asks.
  const mentee = await signIn(MENTEE);
  await mentee.page.goto(server.url + "/members/apply/");
  await mentee.page.fill("#mentee-goals", "Learn to run technology programs for teens.");
  await mentee.page.fill("#mentee-background", BACKGROUND);
  await mentee.page.fill("#mentee-career-0-title", "Circulation Supervisor");
  await mentee.page.fill("#mentee-career-0-organization", "Birchwood Branch Library");
  await mentee.page.fill("#mentee-career-0-from", "2006");
  await mentee.page.locator("#mentee-form button[type=submit]").click();
  await mentee.page.waitForURL(/\/apply\/done\//);
  await mentee.page.goto(server.url + "/members/mentors/");
  const card = mentee.page.locator("li.card", { hasText: NAME });
  assert.equal(await card.count(), 1, "the directory lists the new mentor");
  assert.match(await card.locator(".card-bio").innerText(), /I built a maker space out of a storeroom\./, "the card shows the bio");
  await mentee.page.goto(server.url + "/members/expertise/technology-leadership/");
  assert.equal(await mentee.page.locator("li.card", { hasText: NAME }).count(), 1, "on her expertise page");
  await mentee.page.goto(server.url + "/members/expertise/fundraising-and-advocacy/");
  assert.equal(await mentee.page.locator("li.card", { hasText: NAME }).count(), 0, "not on another term's page");
  await mentee.page.goto(server.url + "/members/mentors/");
  await mentee.page.selectOption("#filter-term", "technology-leadership");
  await mentee.page.fill("#filter-text", "Halvorsen");
  const visible = mentee.page.locator("li.card:visible");
  await visible.first().waitFor();
  assert.equal(await visible.count(), 1, "the filter finds her");
  assert.match(await visible.first().innerText(), /Ingrid Halvorsen-Pike/);
  await visible.first().locator("a", { hasText: NAME }).click();
  await mentee.page.waitForURL(/\/members\/mentors\/ingrid-halvorsen-pike/);
  const profileUrl = mentee.page.url();
  const profile = await mentee.page.locator("main").innerText();
  assert.match(profile, /Pinecrest Public Library/);
  assert.match(profile, /maker space/);
  await screenshot(mentee.page, "profiles-new-mentor");
  await mentee.page.locator("a", { hasText: `Ask ${NAME} to be your mentor` }).click();
  await mentee.page.waitForURL(/\/members\/requests\/new\//);
  await mentee.page.fill("#request-message", "Your maker space story is what I want to learn.");
  await mentee.page.locator("#request-form button[type=submit]").click();
  await mentee.page.getByText(/sent|Sent/).first().waitFor();

  // 4. Ingrid sees Ada's background with the request and accepts.
  await page.goto(server.url + "/members/requests/");
  const request = page.locator("li.request", { hasText: "Ada Quillfeather" });
  const about = await request.locator(".mentee-information").innerText();
  assert.match(about, new RegExp(BACKGROUND));
  assert.match(about, /Birchwood Branch Library/);
  await request.locator("button", { hasText: "Accept" }).click();
  await page.waitForURL(/status=accepted/);

  // 5. The profile says she is taken; no "Ask" link.
  await mentee.page.goto(profileUrl);
  const taken = await mentee.page.locator("main").innerText();
  assert.match(taken, /already has a mentee this cohort/);
  assert.equal(await mentee.page.locator("a", { hasText: "Ask Ingrid" }).count(), 0);

  // 6. Ingrid edits her bio and title: preview, save; the next load shows it.
  await page.goto(server.url + "/members/profile/");
  await page.fill("#p-bio", "Now also running a *coding club* for teens.");
  await page.fill("#p-title", "Director of Youth Services");
  await page.locator("#profile-form button[type=submit]").click();
  await page.waitForURL(/\/members\/profile\/preview\//);
  assert.match(await page.locator("#profile-preview").innerText(), /coding club/);
  assert.deepEqual(await axe(page), [], "axe-core on the profile preview");
  await page.locator("#profile-save button[type=submit]").click();
  await page.waitForURL(/status=saved/);
  await mentee.page.goto(server.url + "/members/mentors/");
  const edited = mentee.page.locator("li.card", { hasText: NAME });
  const bio = await edited.locator(".card-bio").innerText();
  assert.match(bio, /Now also running a coding club for teens\./, "the directory shows the new bio on the next load");
  assert.doesNotMatch(bio, /maker space/, "and not the old one");
  assert.match(await edited.innerText(), /Director of Youth Services/, "and the new title");
  await mentee.page.goto(profileUrl);
  assert.match(await mentee.page.locator("main").innerText(), /coding club/);
  for (const c of [mentor, chair, mentee]) await c.context.close();
});
