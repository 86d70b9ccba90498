"""Condition rows shared by several demo policies (a policy built on ``HIGH_TECH_RULE`` also gets its guide)."""

HIGH_TECH_RULE = [
    (1, "established_years", "gte", "1"),
    (2, "rd_ratio", "gte", "5", "", "revenue", "lte", "5000"),
    (2, "rd_ratio", "gte", "4", "", "revenue", "gt_lte", "5000", "20000"),
    (2, "rd_ratio", "gte", "3", "", "revenue", "gt", "20000"),
    (3, "high_tech_revenue_ratio", "gte", "60"),
    (4, "tech_staff_ratio", "gte", "10"),
    (5, "certifications", "not_in", "high_tech"),
]
HIGH_TECH_GUIDE = (
    "1. 注册成立一年以上；2. 近三个会计年度研发费用占同期销售收入比例：最近一年销售收入小于 5000 万元（含）的"
    "不低于 5%，5000 万元至 2 亿元（含）的不低于 4%，2 亿元以上的不低于 3%；3. 近一年高新技术产品（服务）收入"
    "占同期总收入比例不低于 60%；4. 科技人员占当年职工总数比例不低于 10%。"
)
SPECIALIZED_RULE = [
    (1, "is_sme", "is_true", ""),
    (2, "established_years", "gte", "2"),
    (3, "revenue", "gte", "1000"),
    (4, "rd_ratio", "gte", "3"),
    (5, "certifications", "in", "innovative_sme,tech_sme,high_tech"),
    (6, "certifications", "not_in", "specialized,little_giant"),
]
TECH_SME_RULE = [
    (1, "is_sme", "is_true", ""),
    (2, "staff", "lte", "500"),
    (3, "revenue", "lte", "20000"),
    (4, "tech_staff_ratio", "gte", "10"),
    (5, "rd_ratio", "gte", "3"),
    (6, "certifications", "not_in", "tech_sme"),
]
RD_DEDUCTION_RULE = [
    (1, "rd_expense", "gt", "0"),
    (2, "industry", "not_in", "C16,F,H,K,L,R90"),
]
