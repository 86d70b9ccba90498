"""政策计算器: policies with conditions as data, matching with the gap, 免申即享 pushes.

- ``facts.py``  the fact registry (what a condition may name, its type, unit and wording) and the
  validation that refuses a condition that cannot be evaluated (unknown fact, text against a number,
  reversed range, unknown code).
- ``rules.py``  the evaluator: all-of groups of any-of alternatives, each alternative optionally limited to
  a band by a guard; met / unmet (with the gap in numbers and words, and a plan) / unknown (missing facts).
  Boundary semantics of the 高新技术企业 R&D rule follow 《高新技术企业认定管理办法》 ("5,000 万元（含）"):
  revenue ≤ 5000 万 → ≥ 5%; 5000 万 < revenue ≤ 2 亿 → ≥ 4%; revenue > 2 亿 → ≥ 3%.
  "差一点" only for closable shortfalls: a number or an age below a lower bound, or a missing
  certification; a region, industry, size class, grade, boolean or an upper bound is not closable.
- ``sql.py``    the same conditions as one SQL WHERE clause over enterprises (pushes to 100k enterprises).
- ``catalogue.py`` the compiled published catalogue, kept per process and checked per request.
- ``selectors.match_facts``  matching (reads no policy while the catalogue is current);
  ``actions.entitlements_push_*`` the pushes.
"""
