#!/usr/bin/env python3
"""Generate the site-build benchmark corpus twice: as a duos site and as an
equivalent Hugo site. Standard library only; the output is deterministic for
a given N (a fixed vocabulary and a seeded 64-bit LCG, no `random`).

    bench_corpus.py --n 1000 --duos DIR --hugo DIR [--templates default|minimal]

duos site:  DIR/content/{program.yaml,_index.md,about.md,apply.md}
            DIR/content/mentors/mentor-NNNNN.yaml
            with --templates default (the default): the caller copies
            themes/default in; with --templates minimal: DIR/themes/minimal/
            (program.yaml names it), the same few lines per page kind as the
            Hugo twin's minimal layouts.
Hugo site:  DIR/hugo.toml, DIR/content/... the same pages, one
            content/mentors/mentor-NNNNN.md per mentor (the profile fields in
            YAML front matter, the bio as the markdown body), one
            content/expertise/<slug>/_index.md per term, and layouts/ with a
            base layout, a mentor page, the directory and the term pages:
            mirroring themes/default (default; paginated by 100 as the
            default theme is) or the minimal ones.
"""

import argparse
import json
import os
import sys

# --- deterministic pseudo-random numbers ----------------------------------


class Lcg:
    """Knuth's MMIX LCG; the high bits are used."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return self.state >> 33

    def below(self, n):
        return self.next() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def sample(self, seq, k):
        pool = list(seq)
        out = []
        for _ in range(k):
            out.append(pool.pop(self.below(len(pool))))
        return out


# --- vocabulary -------------------------------------------------------------

WORDS = """
library libraries leadership management staff budget planning service services
community patrons readers collection collections branch director committee
board mentor mentee career growth goals strategy strategic assessment data
outcomes program programs project projects team teams colleagues users public
academic school special state regional rural urban campus faculty students
reference instruction outreach technology systems digital access space
building renovation facilities funding grants foundation advocacy partners
partnership change organization culture training development supervision
hiring review policy policies diversity equity inclusion communication
marketing story value impact evidence survey results report council network
experience practice learning listening coaching feedback decision decisions
budgets priorities vision mission values trust support time year years month
first new small large local national professional work working lead leading
led built helped managed designed launched improved expanded served worked
about with through across during before after while since toward within
the the the the a a a an and and and of of of to to to in in for for on at by
is was are were has have had be been will can could would should may
""".split()

FIRST = """Ada Alan Alice Amir Ana Ann Ben Beth Carla Carlos Chen Clara Dana David
Dev Diane Eli Elena Emma Eric Farah Grace Hana Henry Ines Ivan Jack Jade
Jamal Jane Joel Julia Kai Karen Kofi Lara Leo Lina Lucia Malik Maria Mark
Maya Mei Nadia Nina Noah Omar Paul Priya Quinn Rafael Rosa Ruth Sam Sara
Sofia Tara Tom Uma Victor Wei Yara Zoe""".split()

LAST = """Abbott Adeyemi Alvarez Baker Banerjee Brooks Carter Chen Cohen Diaz
Ellis Evans Fischer Foster Garcia Grant Gupta Hall Hansen Hughes Ito Jensen
Kaur Kim Larsen Lee Lopez Marsh Martin Moreau Murphy Nakamura Nguyen Novak
Okafor Olsen Park Patel Perez Quinn Reyes Rossi Santos Schmidt Singh Sato
Tanaka Torres Turner Vargas Walsh Weber Wong Young Zimmerman""".split()

TITLES = [
    "Library Director", "Assistant Director", "Associate Dean", "Branch Manager",
    "Head of Public Services", "Head of Technical Services", "Systems Librarian",
    "Library Media Coordinator", "Deputy State Librarian", "Research Services Manager",
    "Head of Access Services", "Facilities Planning Librarian", "Human Resources Director",
    "Outreach Coordinator", "Collection Development Manager",
]

PLACES = [
    "Riverbend", "Northfield", "Cedar Valley", "Harbor County", "Eastgate", "Pine Ridge",
    "Willow Creek", "Meridian", "Lakeport", "Millbrook", "Bayfield", "Granite Plains",
    "Sutter Falls", "Port Alder", "Kingsford", "Green Hollow", "Blue Gap", "Laurel Mountain",
]

KINDS = [
    "Public Library", "State University Libraries", "Community College Library",
    "Unified School District", "State Library", "Health Sciences Library",
    "Library Cooperative", "College Library", "County Library System",
]

STATES = [
    "Ohio", "Minnesota", "California", "Washington", "Pennsylvania", "North Carolina",
    "Vermont", "Georgia", "Wisconsin", "Colorado", "Massachusetts", "Texas",
]

EXPERTISE = [
    ("strategic-planning", "Strategic planning"),
    ("budgeting-and-finance", "Budgeting and finance"),
    ("personnel-management", "Personnel management"),
    ("facilities-and-space-planning", "Facilities and space planning"),
    ("fundraising-and-advocacy", "Fundraising and advocacy"),
    ("assessment-and-evaluation", "Assessment and evaluation"),
    ("technology-leadership", "Technology leadership"),
    ("change-management", "Change management"),
    ("marketing-and-communication", "Marketing and communication"),
    ("diversity-equity-inclusion", "Diversity, equity and inclusion"),
    ("career-development", "Career development"),
    ("public-services", "Public services"),
]

DEGREES = ["MLS", "MLIS", "MS, Library and Information Science", "BA, English",
           "BA, History", "BS, Biology", "EdD, Higher Education Leadership"]


def q(s):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def bio(rng):
    """About 250 words in three or four paragraphs, with some *emphasis*."""
    paragraphs = []
    total = 0
    target = 240 + rng.below(21)
    n_par = 3 + rng.below(2)
    for p in range(n_par):
        words_left = target - total
        size = words_left if p == n_par - 1 else words_left // (n_par - p)
        sentences = []
        count = 0
        while count < size:
            length = min(6 + rng.below(12), size - count)
            ws = [rng.pick(WORDS) for _ in range(max(length, 1))]
            if rng.below(5) == 0 and len(ws) > 2:
                i = rng.below(len(ws) - 1)
                ws[i] = "*" + ws[i] + "*"
            ws[0] = ws[0][0].upper() + ws[0][1:] if ws[0][0] != "*" else "*" + ws[0][1].upper() + ws[0][2:]
            sentences.append(" ".join(ws) + ".")
            count += len(ws)
        total += count
        paragraphs.append(wrap(" ".join(sentences)))
    return "\n\n".join(paragraphs)


def wrap(text, width=76):
    lines, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = w if not line else line + " " + w
    if line:
        lines.append(line)
    return "\n".join(lines)


def mentor(i):
    rng = Lcg(i)
    first, last = rng.pick(FIRST), rng.pick(LAST)
    place = rng.pick(PLACES)
    institution = f"{place} {rng.pick(KINDS)}"
    since = 1975 + rng.below(29)
    involved = 3 + rng.below(2005 - since) if 2005 - since > 0 else 3
    career = []
    year = 2008 - rng.below(8)
    for k in range(2 + rng.below(2)):
        start = year - 3 - rng.below(6)
        entry = {"title": rng.pick(TITLES),
                 "organization": institution if k == 0 else f"{rng.pick(PLACES)} {rng.pick(KINDS)}",
                 "from": start}
        if k > 0:
            entry["to"] = year
        career.append(entry)
        year = start
    education = [{"degree": d, "institution": f"{rng.pick(PLACES)} State University",
                  "year": year - 1 - j * 2} for j, d in enumerate(rng.sample(DEGREES[:4], 2))]
    slug = f"mentor-{i:05d}"
    return {
        "slug": slug,
        "name": f"{first} {last}",
        "member_id": f"M{3000 + i}",
        "title": rng.pick(TITLES),
        "institution": institution,
        "location": f"{place}, {rng.pick(STATES)}",
        "member_since": since,
        "years_involved": involved,
        "expertise": [s for s, _ in rng.sample(EXPERTISE, 3)],
        "career": career,
        "education": education,
        "bio": bio(rng),
        "availability": rng.pick(["Monthly video call; e-mail any time.",
                                  "Phone every two weeks, evenings.",
                                  "In person at conferences; monthly phone call."]),
        "contact": {"email": f"{slug}@example.org", "phone": f"555-{i % 10000:04d}"},
    }


def profile_yaml(m):
    """The profile fields as YAML (shared by the duos file and Hugo front matter)."""
    out = [f"name: {q(m['name'])}", f"member_id: {q(m['member_id'])}", "role: mentor",
           f"title: {q(m['title'])}", f"institution: {q(m['institution'])}",
           f"location: {q(m['location'])}", f"member_since: {m['member_since']}",
           f"years_involved: {m['years_involved']}", "expertise:"]
    out += [f"  - {e}" for e in m["expertise"]]
    out.append("career:")
    for c in m["career"]:
        out.append(f"  - title: {q(c['title'])}")
        out.append(f"    organization: {q(c['organization'])}")
        out.append(f"    from: {c['from']}")
        if "to" in c:
            out.append(f"    to: {c['to']}")
    out.append("education:")
    for e in m["education"]:
        out += [f"  - degree: {q(e['degree'])}", f"    institution: {q(e['institution'])}",
                f"    year: {e['year']}"]
    out.append(f"availability: {q(m['availability'])}")
    out += ["contact:", f"  email: {q(m['contact']['email'])}", f"  phone: {q(m['contact']['phone'])}"]
    return "\n".join(out) + "\n"


PROGRAM_YAML = """name: Benchmark Mentoring Program
association: Benchmark Library Association
tagline: A generated corpus for the site build benchmark.
base_url: https://bench.example.org
contact_email: mentoring@example.org
{theme}eligibility:
  good_standing_required: true
  mentee_max_membership_months: 12
  mentor_min_years_involvement: 3
  member_categories: [Personal, Student, Support staff, Retired, International, Organizational]
expertise:
{terms}
cohorts:
  - id: "2008"
    name: 2008 pilot
    pilot: true
    applications_open: 2008-01-14
    matching_deadline: 2008-06-13
    launch: 2008-06-28
    midpoint_survey: 2008-11-17
    final_survey: 2009-04-01
    end: 2009-04-30
    mentee_cap: 25
committee:
  chair: M1001
  members: [M1002, M1003]
  staff: [M1900]
"""

PAGES = {
    "_index.md": ("Benchmark Mentoring Program", 0, """A generated site for the build benchmark.

- [About the program](@/about.md)
- [How to apply](@/apply.md)
"""),
    "about.md": ("About the program", 10, """The program pairs one mentor with one mentee for ten months.

| Date | What happens |
|---|---|
| January 14 | Applications open |
| June 28 | Launch at the annual conference |
| April 30 | The formal commitment ends |

Mentoring is a *supportive learning relationship*.[^1]

[^1]: A footnote, so that both generators render one.
"""),
    "apply.md": ("How to apply", 20, """Sign in, tell us about yourself, and submit.

1. Check that you are eligible.
2. Write your profile.
3. Choose your areas of expertise.

Back to [the home page](@/_index.md).
"""),
}


def hugo_link(body):
    """Hugo has no `@/` links; point them at the pretty URLs instead."""
    return (body.replace("(@/about.md)", "(/about/)").replace("(@/apply.md)", "(/apply/)")
            .replace("(@/_index.md)", "(/)"))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# The minimal templates: the same content per page kind for both tools
# (title, the page's text; a profile's name, title, institution, linked
# terms and bio; the directory and term pages a linked name per mentor).
MINIMAL_DUOS = {
    "page.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head>\n<body><h1>{{ page.title }}</h1>\n{{ page.content | safe }}</body></html>\n",
    "section.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head>\n<body><h1>{{ page.title }}</h1>\n{{ page.content | safe }}</body></html>\n",
    "404.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1></body></html>\n",
    "profile.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ mentor.name }}</title></head>\n<body><h1>{{ mentor.name }}</h1>\n<p>{{ mentor.title }}, {{ mentor.institution }}</p>\n<ul>\n{% for t in mentor.expertise %}<li><a href=\"{{ t.url }}\">{{ t.name }}</a></li>\n{% endfor %}</ul>\n{{ mentor.bio_html | safe }}</body></html>\n",
    "_mentor_card.html": "<li><a href=\"{{ m.url }}\">{{ m.name }}</a></li>\n",
    "directory.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mentor directory</title></head>\n<body><h1>Mentor directory</h1>\n<ul>\n{{ cards_html | safe }}</ul></body></html>\n",
    "expertise.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ term.name }}</title></head>\n<body><h1>{{ term.name }}</h1>\n<ul>\n{{ cards_html | safe }}</ul></body></html>\n",
}

MINIMAL_HUGO = {
    "_default/single.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body><h1>{{ .Title }}</h1>\n{{ .Content }}</body></html>\n",
    "index.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body><h1>{{ .Title }}</h1>\n{{ .Content }}</body></html>\n",
    "404.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1></body></html>\n",
    "mentors/single.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Params.name }}</title></head>\n<body><h1>{{ .Params.name }}</h1>\n<p>{{ .Params.title }}, {{ .Params.institution }}</p>\n<ul>\n{{ range .GetTerms \"expertise\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>\n{{ end }}</ul>\n{{ .Content }}</body></html>\n",
    "mentors/list.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mentor directory</title></head>\n<body><h1>Mentor directory</h1>\n<ul>\n{{ range .Pages.ByTitle }}<li><a href=\"{{ .RelPermalink }}\">{{ .Params.name }}</a></li>\n{{ end }}</ul></body></html>\n",
    "_default/term.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body><h1>{{ .Title }}</h1>\n<ul>\n{{ range .Pages.ByTitle }}<li><a href=\"{{ .RelPermalink }}\">{{ .Params.name }}</a></li>\n{{ end }}</ul></body></html>\n",
    "_default/taxonomy.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Expertise</title></head>\n<body><ul>\n{{ range .Pages.ByTitle }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>\n{{ end }}</ul></body></html>\n",
}


def write_duos(root, mentors, templates="default"):
    terms = "\n".join(f"  - slug: {s}\n    name: {q(n)}\n    description: {q('Mentors with ' + n.lower() + ' expertise.')}"
                      for s, n in EXPERTISE)
    theme = "theme: minimal\n" if templates == "minimal" else ""
    write(os.path.join(root, "content", "program.yaml"), PROGRAM_YAML.format(terms=terms, theme=theme))
    if templates == "minimal":
        for name, text in MINIMAL_DUOS.items():
            write(os.path.join(root, "themes", "minimal", "templates", name), text)
    for name, (title, weight, body) in PAGES.items():
        write(os.path.join(root, "content", name),
              f"---\ntitle: {q(title)}\nweight: {weight}\n---\n\n{body}")
    for m in mentors:
        text = profile_yaml(m) + "bio: |\n" + "".join(
            ("  " + line if line else "") + "\n" for line in m["bio"].split("\n"))
        write(os.path.join(root, "content", "mentors", m["slug"] + ".yaml"), text)


HUGO_CONFIG = """baseURL = "https://bench.example.org/"
title = "Benchmark Mentoring Program"
languageCode = "en"
disableKinds = ["RSS"]
enableRobotsTXT = false

[taxonomies]
expertise = "expertise"

[markup.goldmark.renderer]
unsafe = false

[markup.goldmark.extensions]
table = true
footnote = true
"""

# Layouts that mirror themes/default (base.html, page.html, profile.html,
# directory.html, _mentor_cards.html, expertise.html) element for element, so
# that both tools render about the same HTML per page.
BASEOF = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.tagline }}{{ end }}">
{{ if eq .Section "mentors" "expertise" }}<meta name="robots" content="noindex, nofollow">
{{ end }}<link rel="stylesheet" href="/css/site.css">
<script src="/js/site.js" defer></script>
</head>
<body class="area-{{ if eq .Section "mentors" "expertise" }}members{{ else }}public{{ end }}">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/">{{ site.Title }}</a>
    <nav class="site-nav" aria-label="Main">
      <ul>
{{ range site.Home.Pages.ByWeight }}{{ if ne .Section "mentors" }}        <li><a href="{{ .RelPermalink }}"{{ if eq $.RelPermalink .RelPermalink }} aria-current="page"{{ else if hasPrefix $.RelPermalink .RelPermalink }} aria-current="true"{{ end }}>{{ .Title }}</a></li>
{{ end }}{{ end }}        <li><a class="members-link" href="/mentors/"{{ if eq .RelPermalink "/mentors/" }} aria-current="page"{{ end }}>Mentor directory <span class="badge">members</span></a></li>
      </ul>
    </nav>
  </div>
</header>
{{ if eq .Section "mentors" "expertise" }}<div class="members-bar"><div class="wrap">Members area: visible only to signed-in participants and the mentoring committee.</div></div>
{{ end }}<main id="main" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.Title }} is run by the {{ site.Params.association }}.</p>
    <p>Questions? Write to the mentoring committee at <a href="mailto:{{ site.Params.contact_email }}">{{ site.Params.contact_email }}</a>.</p>
  </div>
</footer>
</body>
</html>
"""

SINGLE = """{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<article class="wrap page">
  <header class="page-header">
    <h1>{{ .Title }}</h1>
{{ with .Description }}    <p class="lede">{{ . }}</p>
{{ end }}  </header>
  <div class="prose">
{{ .Content }}
  </div>
</article>
{{ end }}
"""

HOME = """{{ define "main" }}
<div class="hero">
  <div class="wrap">
    <h1>{{ .Title }}</h1>
  </div>
</div>
<article class="wrap page home">
  <div class="prose">
{{ .Content }}
  </div>
  <nav aria-labelledby="duos-explore">
    <h2 id="duos-explore">Explore the program</h2>
    <ul class="tiles">
{{ range .Pages.ByWeight }}{{ if ne .Section "mentors" }}      <li class="tile"><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}{{ end }}    </ul>
  </nav>
</article>
{{ end }}
"""

MENTOR_SINGLE = """{{ define "title" }}{{ .Params.name }} · Mentor directory · {{ site.Title }}{{ end }}
{{ define "main" }}
<article class="wrap profile">
  <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/mentors/">Mentor directory</a> › <span aria-current="page">{{ .Params.name }}</span></nav>
  <header class="page-header profile-header">
    <div>
      <h1>{{ .Params.name }}</h1>
      <p class="lede">{{ .Params.title }}, {{ .Params.institution }}</p>
{{ with .Params.location }}      <p class="muted">{{ . }}</p>
{{ end }}      <p><span class="badge">{{ .Params.role }}</span></p>
    </div>
  </header>
  <section aria-labelledby="duos-expertise">
    <h2 id="duos-expertise">Expertise</h2>
    <ul class="tags">
{{ range .GetTerms "expertise" }}      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}    </ul>
  </section>
  <section aria-labelledby="duos-about">
    <h2 id="duos-about">About</h2>
    <div class="prose bio">
{{ .Content }}
    </div>
  </section>
  <dl class="facts">
    <dt>Member since</dt><dd>{{ .Params.member_since }}</dd>
{{ with .Params.years_involved }}    <dt>Years involved</dt><dd>{{ . }}</dd>
{{ end }}{{ with .Params.availability }}    <dt>Availability</dt><dd>{{ . }}</dd>
{{ end }}  </dl>
  <section aria-labelledby="duos-career">
    <h2 id="duos-career">Career</h2>
    <ul class="timeline">
{{ range .Params.career }}      <li><strong>{{ .title }}</strong>, {{ .organization }} <span class="muted">({{ .from }}–{{ with .to }}{{ . }}{{ else }}present{{ end }})</span></li>
{{ end }}    </ul>
  </section>
  <section aria-labelledby="duos-education">
    <h2 id="duos-education">Education</h2>
    <ul class="timeline">
{{ range .Params.education }}      <li><strong>{{ .degree }}</strong>, {{ .institution }} <span class="muted">({{ .year }})</span></li>
{{ end }}    </ul>
  </section>
  <section aria-labelledby="duos-contact">
    <h2 id="duos-contact">Contact</h2>
    <ul class="contact">
      <li>Email: <a href="mailto:{{ .Params.contact.email }}">{{ .Params.contact.email }}</a></li>
{{ with .Params.contact.phone }}      <li>Phone: <a href="tel:{{ . }}">{{ . }}</a></li>
{{ end }}    </ul>
  </section>
</article>
{{ end }}
"""

# The mentor cards (duos: _mentor_cards.html), shared by directory and terms.
CARDS = """<ul class="cards" data-mentors>
{{ range . }}  <li class="card" data-expertise="{{ delimit .Params.expertise " " }}">
    <h3 class="card-title"><a href="{{ .RelPermalink }}">{{ .Params.name }}</a></h3>
    <p class="card-role">{{ .Params.title }}, {{ .Params.institution }}</p>
{{ with .Params.location }}    <p class="muted">{{ . }}</p>
{{ end }}    <p class="card-bio">{{ .Plain | truncate 160 }}</p>
    <ul class="tags" aria-label="Expertise of {{ .Params.name }}">
{{ range .GetTerms "expertise" }}      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}    </ul>
  </li>
{{ end }}</ul>
"""

DIRECTORY = """{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<div class="wrap directory">
  <header class="page-header">
    <h1>{{ .Title }}</h1>
    <p class="lede">{{ len .Pages }} mentors. Browse by expertise, then open a profile to read more.</p>
  </header>
  <div class="prose">
{{ .Content }}
  </div>
  <nav class="term-nav" aria-labelledby="duos-terms">
    <h2 id="duos-terms">Browse by expertise</h2>
    <ul class="terms">
{{ range (site.GetPage "/expertise").Pages.ByTitle }}      <li><a href="{{ .RelPermalink }}">{{ .Title }} <span class="count">({{ len .Pages }})</span></a></li>
{{ end }}    </ul>
  </nav>
  <form class="filter" data-filter hidden role="search" aria-label="Filter mentors">
    <div class="field">
      <label for="filter-term">Expertise</label>
      <select id="filter-term" name="term">
        <option value="">All expertise</option>
{{ range (site.GetPage "/expertise").Pages.ByTitle }}        <option value="{{ path.Base .RelPermalink }}">{{ .Title }}</option>
{{ end }}      </select>
    </div>
    <div class="field">
      <label for="filter-text">Name, title, institution, place or words of the bio</label>
      <input id="filter-text" name="q" type="search" autocomplete="off">
    </div>
    <p class="filter-status" data-filter-status aria-live="polite"></p>
  </form>
  <h2 id="duos-mentors">Mentors</h2>
{{ partial "mentor-cards.html" (.Paginate .Pages.ByTitle).Pages }}{{ template "_internal/pagination.html" . }}
</div>
{{ end }}
"""

TERM = """{{ define "title" }}{{ .Title }} · Mentor directory · {{ site.Title }}{{ end }}
{{ define "main" }}
<div class="wrap directory">
  <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/mentors/">Mentor directory</a> › <span aria-current="page">{{ .Title }}</span></nav>
  <header class="page-header">
    <h1>{{ .Title }}</h1>
{{ with .Description }}    <p class="lede">{{ . }}</p>
{{ end }}    <p>{{ len .Pages }} {{ if eq (len .Pages) 1 }}mentor has{{ else }}mentors have{{ end }} this expertise.</p>
  </header>
  <h2>Mentors</h2>
{{ partial "mentor-cards.html" (.Paginate .Pages.ByTitle).Pages }}{{ template "_internal/pagination.html" . }}
  <nav class="term-nav" aria-labelledby="duos-other-terms">
    <h2 id="duos-other-terms">Other expertise</h2>
    <ul class="terms">
{{ $here := .RelPermalink }}{{ range (site.GetPage "/expertise").Pages.ByTitle }}{{ if ne .RelPermalink $here }}      <li><a href="{{ .RelPermalink }}">{{ .Title }} <span class="count">({{ len .Pages }})</span></a></li>
{{ end }}{{ end }}    </ul>
  </nav>
</div>
{{ end }}
"""

TAXONOMY = """{{ define "main" }}
<div class="wrap directory">
  <h1>Areas of expertise</h1>
  <ul class="terms">
{{ range .Pages.ByTitle }}    <li><a href="{{ .RelPermalink }}">{{ .Title }} <span class="count">({{ len .Pages }})</span></a></li>
{{ end }}  </ul>
</div>
{{ end }}
"""


def write_hugo(root, mentors, templates="default"):
    paginate = "paginate = 100\n" if templates == "default" else ""
    write(os.path.join(root, "hugo.toml"), paginate + HUGO_CONFIG + """
[params]
tagline = "A generated corpus for the site build benchmark."
association = "Benchmark Library Association"
contact_email = "mentoring@example.org"
""")
    layouts = os.path.join(root, "layouts")
    if templates == "minimal":
        for name, text in MINIMAL_HUGO.items():
            write(os.path.join(layouts, name), text)
    else:
        write_default_layouts(layouts)
    write_hugo_content(root, mentors)


def write_default_layouts(layouts):
    write(os.path.join(layouts, "_default", "baseof.html"), BASEOF)
    write(os.path.join(layouts, "_default", "single.html"), SINGLE)
    write(os.path.join(layouts, "_default", "list.html"), SINGLE)
    write(os.path.join(layouts, "index.html"), HOME)
    write(os.path.join(layouts, "partials", "mentor-cards.html"), CARDS)
    write(os.path.join(layouts, "mentors", "single.html"), MENTOR_SINGLE)
    write(os.path.join(layouts, "mentors", "list.html"), DIRECTORY)
    write(os.path.join(layouts, "_default", "term.html"), TERM)
    write(os.path.join(layouts, "_default", "taxonomy.html"), TAXONOMY)
    write(os.path.join(layouts, "..", "static", "css", "site.css"), "body{font-family:sans-serif}\n")
    write(os.path.join(layouts, "..", "static", "js", "site.js"), "\n")


def write_hugo_content(root, mentors):
    for name, (title, weight, body) in PAGES.items():
        write(os.path.join(root, "content", name),
              f"---\ntitle: {q(title)}\nweight: {weight}\n---\n\n{hugo_link(body)}")
    write(os.path.join(root, "content", "mentors", "_index.md"),
          "---\ntitle: \"Mentor directory\"\n---\n\nEvery mentor, with their areas of expertise.\n")
    for slug, name in EXPERTISE:
        write(os.path.join(root, "content", "expertise", slug, "_index.md"),
              f"---\ntitle: {q(name)}\ndescription: {q('Mentors with ' + name.lower() + ' expertise.')}\n---\n")
    for m in mentors:
        write(os.path.join(root, "content", "mentors", m["slug"] + ".md"),
              "---\ntitle: " + q(m["name"]) + "\n" + profile_yaml(m) + "---\n\n" + m["bio"] + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of mentor profiles")
    ap.add_argument("--duos", help="write the duos site here")
    ap.add_argument("--hugo", help="write the Hugo site here")
    ap.add_argument("--templates", choices=["default", "minimal"], default="default",
                    help="the default theme (and its Hugo twin) or the minimal templates")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("--n must be at least 1")
    mentors = [mentor(i) for i in range(1, args.n + 1)]
    if args.duos:
        write_duos(args.duos, mentors, args.templates)
    if args.hugo:
        write_hugo(args.hugo, mentors, args.templates)
    words = sum(len(m["bio"].split()) for m in mentors) / len(mentors)
    print(f"corpus: {args.n} profiles, {words:.0f} bio words on average", file=sys.stderr)


if __name__ == "__main__":
    main()
