"""政策计算器: policies with conditions as data, matching with the gap, 免申即享 pushes.

- ``facts.py``  the fact registry (what a condition may name, its type, unit and wording) and the
  validation that refuses a condition that cannot be evaluated (unknown fact, text against a number,
  reversed range, unknown code).
- ``checks.py`` one check: met / unmet (with the gap in numbers and words, and a plan) / unknown (the
  missing facts); a fast path without words for sorting thousands of policies.
- ``rules.py``  the evaluator: all-of groups of any-of alternatives, each alternative optionally limited to
  a band by a guard.
  Boundary semantics of the 高新技术企业 R&D rule follow 《高新技术企业认定管理办法》 ("5,000 万元（含）"):
  revenue ≤ 5000 万 → ≥ 5%; 5000 万 < revenue ≤ 2 亿 → ≥ 4%; revenue > 2 亿 → ≥ 3%.
  "差一点" only for closable shortfalls: a number or an age below a lower bound, or a missing
  certification; a region, industry, size class, grade, boolean or an upper bound is not closable.
- ``sql.py``    the same rules as SQL WHERE clauses over enterprises: eligible (pushes to 100k enterprises),
  near and unknown (staff's view of a policy), each tested against the evaluator.
- ``catalogue.py`` the compiled published catalogue, kept per process and checked per request.
- ``selectors.match_facts``  matching (reads no policy while the catalogue is current);
  ``actions.entitlements_push_*`` the pushes.
"""
