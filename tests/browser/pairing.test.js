// The matching deadline in a real browser, over two runs of `duos serve` on
// one store: on 2008-03-01 two first-year members, Ada (M3001) and Bram
// (M3002), apply as mentees; the copy of the sample keeps two mentors,
// Daniel Whitcombe (M2002) and Abigail Fenwick (M2009). Ada works at
// Daniel's university: the directory marks his card for her (a conflict of
// interest), and the proposal never pairs them. Nobody asks anyone.
// On 2008-06-13, the deadline, the chair (M1001) sees the two mentees and the
// two free mentors, confirms duos's proposed pairing, and each of the four
// accepts from the requests page (no JavaScript); both duos form. The chair
// then opens the audit trail and filters it to Ada.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, startServer, copySite, tempDir, axe, screenshot, signIn, mailsTo } from "./harness.js";

const KEEP = ["daniel-whitcombe.yaml", "abigail-fenwick.yaml"];
const EMAIL = {
  M3001: "ada.quillfeather@example.org",
  M3002: "bram.tollefsen-oakes@example.org",
  M2002: "daniel.whitcombe@example.org",
  M2009: "abigail.fenwick@example.org",
};

let browser;
let server;
let root;
let data;

before(async () => {
  root = copySite();
  const mentors = path.join(root, "content", "mentors");
  for (const f of fs.readdirSync(mentors)) {
    if (f.endsWith(".yaml") && !KEEP.includes(f)) fs.rmSync(path.join(mentors, f));
  }
  data = tempDir("duos-data-pairing-");
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function applyAsMentee(memberId, institution) {
  const { context, page } = await signIn(browser, server, memberId, { javaScriptEnabled: false });
  await page.goto(server.url + "/members/apply/");
  await page.fill("#mentee-goals", "Learn to plan budgets and lead a team through change.");
  await page.fill("#mentee-institution", institution);
  await page.locator("#mentee-form button[type=submit]").click();
  await page.waitForURL(/\/apply\/done\//);
  const result = await page.locator("main").innerText();
  await context.close();
  return result;
}

async function acceptPairing(memberId) {
  const { context, page } = await signIn(browser, server, memberId, { javaScriptEnabled: false });
  await page.goto(server.url + "/members/requests/");
  const pairing = page.locator("li.pairing");
  assert.equal(await pairing.count(), 1, `${memberId} has one proposal`);
  assert.match(await pairing.innerText(), /The committee proposes/);
  await pairing.locator("button", { hasText: "Accept" }).click();
  await page.waitForURL(/\/members\/requests\/\?status=/);
  const status = new URL(page.url()).searchParams.get("status");
  await context.close();
  return status;
}

test("at the matching deadline the chair pairs the unmatched, both accept, and the audit trail shows it", async () => {
  server = await startServer({ root, data, today: "2008-03-01" });
  // Ada works where Daniel does: a conflict of interest.
  assert.match(await applyAsMentee("M3001", "  northfield state university LIBRARIES"), /Accepted/);
  assert.match(await applyAsMentee("M3002", "Pine County Library"), /Accepted/);
  // The directory marks Daniel's card for Ada (with JavaScript), not for Bram.
  const marked = async (memberId) => {
    const { context, page } = await signIn(browser, server, memberId);
    await page.goto(server.url + "/members/mentors/");
    await page.locator("[data-mentors] .card").first().waitFor();
    await page.waitForLoadState("networkidle");
    const names = await page.locator(".card.card-conflict .card-title").allInnerTexts();
    const note = names.length ? await page.locator(".card-conflict-note").first().innerText() : "";
    await context.close();
    return { names, note };
  };
  const forAda = await marked("M3001");
  assert.deepEqual(forAda.names, ["Daniel Whitcombe"]);
  assert.match(forAda.note, /conflict of interest/);
  assert.deepEqual((await marked("M3002")).names, []);
  await server.stop();

  // The deadline: the same store, a later day.
  server = await startServer({ root, data, today: "2008-06-13" });
  const chair = await signIn(browser, server, "M1001", { javaScriptEnabled: false });
  await chair.page.goto(server.url + "/members/committee/pairing/");
  const main = chair.page.locator("main");
  assert.match(await main.innerText(), /Mentees without a duo \(2\)/);
  assert.match(await main.innerText(), /Mentors still free \(2\)/);
  const rows = chair.page.locator("tr.pairing-row");
  assert.equal(await rows.count(), 2);
  const chosen = [];
  for (let i = 0; i < 2; i++) {
    const value = await rows.nth(i).locator("select").inputValue();
    assert.ok(value, "duos proposes a mentor for every mentee");
    chosen.push(value);
  }
  assert.deepEqual([...chosen].sort(), ["M2002", "M2009"], "one mentee per mentor");
  assert.equal(await chair.page.locator('tr[data-mentee="M3001"] select').inputValue(), "M2009", "never Ada's own institution");
  assert.match(await chair.page.locator('tr[data-mentee="M3001"]').innerText(), /Daniel Whitcombe: same institution \(conflict of interest\)/);
  assert.deepEqual(await axe(chair.page), [], "axe-core on the pairing page");
  await screenshot(chair.page, "pairing-deadline");
  await chair.page.locator("button", { hasText: "Confirm and ask each pair" }).click();
  await chair.page.waitForURL(/\/members\/committee\/pairing\/\?proposed=2/);
  assert.match(await chair.page.locator("#result").innerText(), /2 pairs proposed/);
  assert.equal(await chair.page.locator("tr.proposed-pair").count(), 2);
  assert.match(await main.innerText(), /Every accepted mentee has a duo or a proposed pairing/);

  for (const id of Object.keys(EMAIL)) {
    assert.equal((await mailsTo(server, EMAIL[id], /the committee proposes a duo/)).length, 1, `${id} is asked`);
  }
  // The mentees accept first, then the mentors: the second acceptance forms the duo.
  assert.equal(await acceptPairing("M3001"), "pairing_accepted");
  assert.equal(await acceptPairing("M3002"), "pairing_accepted");
  assert.equal(await acceptPairing("M2002"), "paired");
  assert.equal(await acceptPairing("M2009"), "paired");
  for (const id of Object.keys(EMAIL)) {
    assert.equal((await mailsTo(server, EMAIL[id], /your duo is formed/)).length, 1, `${id} is told`);
  }
  const ada = await signIn(browser, server, "M3001", { javaScriptEnabled: false });
  await ada.page.goto(server.url + "/members/duo/");
  const duo = await ada.page.locator("section.duo").innerText();
  const adasMentor = chosen[0] === "M2002" ? "Daniel Whitcombe" : "Abigail Fenwick";
  assert.match(duo, new RegExp(`${adasMentor}`));
  assert.match(duo, /Ada Quillfeather/);
  await ada.context.close();

  // The chair's page now shows both pairs formed and nobody left.
  await chair.page.goto(server.url + "/members/committee/pairing/");
  assert.equal(await chair.page.locator("td.state-formed").count(), 2);
  assert.match(await main.innerText(), /Mentees without a duo \(0\)/);

  // The audit trail, filtered to Ada.
  await chair.page.goto(server.url + "/members/committee/audit/");
  await chair.page.fill("#audit-member", "M3001");
  await chair.page.locator("form.filter-form button[type=submit]").click();
  await chair.page.waitForURL(/member=M3001/);
  const entries = chair.page.locator("tr.audit-entry");
  assert.ok((await entries.count()) >= 3, "apply, the proposal, her acceptance and the duo");
  const text = await chair.page.locator("table.audit-table").innerText();
  assert.match(text, /accept pairing/);
  assert.match(text, /propose pairing/);
  assert.equal(await chair.page.locator('tr.audit-entry[data-actor="M3002"]').count(), 0, "nothing of Bram's");
  assert.deepEqual(await axe(chair.page), [], "axe-core on the audit trail");
  await screenshot(chair.page, "audit-trail");
  const csv = await (await chair.context.request.get(server.url + "/members/committee/audit/?format=csv&member=M3001")).text();
  assert.match(csv, /^at,action,actor,actor_name,subject,detail\n/);
  assert.equal(csv.trim().split("\n").length - 1, await entries.count());
  await chair.context.close();
});
