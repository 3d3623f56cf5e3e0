// The waitlist in a real browser: the 2008 pilot with its mentee cap set
// to 1 on a copy of the sample, on 2008-03-01. Ada (M3001) is accepted,
// Bram (M3002) and Cleo (M3003) wait in places 1 and 2. Ada withdraws from
// her program page; the freed place is offered to Bram by mail; he follows
// the mail's link, takes the place and is accepted. Cleo is not offered it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, startServer, copySite, tempDir, axe, screenshot } from "./harness.js";

let browser;
let server;

before(async () => {
  const root = copySite();
  const program = path.join(root, "content", "program.yaml");
  const yaml = fs.readFileSync(program, "utf8");
  assert.match(yaml, /mentee_cap: 25/);
  fs.writeFileSync(program, yaml.replace("mentee_cap: 25", "mentee_cap: 1"));
  server = await startServer({ root, data: tempDir("duos-data-waitlist-"), today: "2008-03-01" });
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

async function applyAsMentee(memberId) {
  const { context, page } = await signIn(memberId, { javaScriptEnabled: false });
  await page.goto(server.url + "/members/apply/");
  await page.fill("#mentee-goals", "Learn to lead a small team well.");
  await page.locator("#mentee-form button[type=submit]").click();
  await page.waitForURL(/\/apply\/done\//);
  const result = await page.locator("main").innerText();
  await context.close();
  return result;
}

/** The outbox's mails to `address` whose subject matches `subject`. */
async function mailsTo(address, subject) {
  const list = await (await fetch(server.url + "/_outbox")).text();
  const rows = [...list.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td><a href="\/_outbox\/([^"]+)">([^<]*)</g)];
  const found = [];
  for (const [, to, file, subj] of rows) {
    if (to.includes(address) && subject.test(subj)) {
      found.push(await (await fetch(server.url + "/_outbox/" + file)).text());
    }
  }
  return found;
}

test("a mentee withdraws; the first on the waiting list is offered the place, takes it and is accepted", async () => {
  assert.match(await applyAsMentee("M3001"), /Accepted/);
  assert.match(await applyAsMentee("M3002"), /waiting list/i);
  assert.match(await applyAsMentee("M3003"), /waiting list/i);

  // Ada withdraws from her program page, without JavaScript.
  const ada = await signIn("M3001", { javaScriptEnabled: false });
  await ada.page.goto(server.url + "/members/");
  const mine = ada.page.locator('li[data-application="mentee-2008"]');
  assert.match(await mine.innerText(), /accepted/);
  await mine.locator("button", { hasText: "Withdraw this application" }).click();
  await ada.page.waitForURL(/\/members\/\?withdrawn=mentee/);
  assert.match(await ada.page.locator("#result").innerText(), /Withdrawn/);
  assert.match(await ada.page.locator('li[data-application="mentee-2008"]').innerText(), /withdrawn/);
  assert.equal(await ada.page.locator('li[data-application="mentee-2008"] button').count(), 0);
  assert.equal((await mailsTo("ada.quillfeather@example.org", /application is withdrawn/)).length, 1);
  await ada.context.close();

  // Bram, first on the waiting list, is written to; Cleo is not.
  const offers = await mailsTo("bram.tollefsen-oakes@example.org", /place is offered to you/);
  assert.equal(offers.length, 1, "one offer mail to Bram");
  assert.equal((await mailsTo("cleo.pemberton-ruiz@example.org", /place is offered/)).length, 0);
  const link = offers[0].match(/https?:\/\/[^\s<"]*\/members\/offer\/[^\s<"]*/);
  assert.ok(link, "the offer mail links to the offer page");

  const bram = await signIn("M3002", { javaScriptEnabled: false });
  const answer = await bram.page.goto(link[0].replace(/^https?:\/\/[^/]+/, server.url));
  assert.equal(answer.status(), 200);
  const offer = bram.page.locator('section.offer[data-state="open"]');
  assert.equal(await offer.count(), 1);
  assert.match(await offer.innerText(), /2008–2009 pilot: place 1/);
  assert.deepEqual(await axe(bram.page), [], "axe-core on the offer page");
  await screenshot(bram.page, "waitlist-offer");
  await offer.locator("button", { hasText: "Take the place" }).click();
  await bram.page.waitForURL(/\/members\/offer\/\?confirmed=1/);
  assert.match(await bram.page.locator("#result").innerText(), /Confirmed/);
  assert.equal(await bram.page.locator('section.offer[data-state="confirmed"]').count(), 1);
  await bram.page.goto(server.url + "/members/");
  assert.match(await bram.page.locator('li[data-application="mentee-2008"]').innerText(), /accepted/);
  assert.equal((await mailsTo("bram.tollefsen-oakes@example.org", /place is confirmed/)).length, 1);
  await bram.context.close();

  // Cleo still waits, and has no offer.
  const cleo = await signIn("M3003", { javaScriptEnabled: false });
  await cleo.page.goto(server.url + "/members/offer/");
  assert.equal(await cleo.page.locator("section.offer").count(), 0);
  assert.match(await cleo.page.locator("main").innerText(), /No place has been offered to you/);
  await cleo.context.close();
});
