# ruff: noqa: E501
"""The demo catalogue of 湖州 (DOMAIN.md §4): real-named service items and 一类事 bundles, in the
same row format as the Excel import, so ``seed_demo`` loads it through ``catalogue_load``.

Materials are written ``名称|形式|份数|必需|来源`` and separated by ``;``.
"""

# code, name, type, kind, department, promised, legal, side, board, fee, visits, automation, description, materials

LICENCE = "营业执照|electronic|1|1|电子证照库共享"

# fmt: off
ITEMS = [
    ('330000-AMR-0001', '企业设立登记（营业执照）', 'licensing', 'basic', 'hz-amr', 1, 15, 'government', 'registration', 0, 0, 'manual', '设立登记与营业执照核发，全程网办。', '公司登记（备案）申请书|electronic|1|1|申请人自备;公司章程|electronic|1|1|申请人自备;法定代表人身份证明|electronic|1|1|电子证照库共享;住所使用证明|electronic|1|1|不动产登记数据共享'),
    ('330000-PSB-0001', '印章刻制备案', 'filing', 'basic', 'hz-psb', 0, 5, 'government', 'registration', 0, 0, 'manual', '公章、财务章、发票章等刻制备案。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330000-TAX-0001', '发票申领（新办纳税人）', 'confirmation', 'basic', 'hz-tax', 0, 5, 'government', '', 0, 0, 'manual', '新办纳税人首次申领发票。', '营业执照|electronic|1|1|电子证照库共享;办税人员身份证明|electronic|1|1|申请人自备'),
    ('330000-HRSS-0001', '企业社会保险参保登记', 'confirmation', 'basic', 'hz-hrss', 0, 5, 'government', 'talent', 0, 0, 'manual', '单位社保参保登记。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330000-HSA-0001', '职工医疗保险参保登记', 'confirmation', 'basic', 'hz-hsa', 0, 5, 'government', '', 0, 0, 'manual', '单位医保参保登记。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330000-HPF-0001', '住房公积金单位缴存登记', 'confirmation', 'basic', 'hz-hpf', 1, 5, 'government', '', 0, 0, 'manual', '单位开立公积金账户。', '营业执照|electronic|1|1|电子证照库共享;单位缴存登记表|electronic|1|1|申请人自备'),
    ('330000-BANK-0001', '预约银行开户', 'public_service', 'basic', 'hz-board-finance', 1, 3, 'market', 'finance', 0, 0, 'manual', '线上预约基本存款账户开户。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330500-VA-0001', '免费刻章', 'value_added', 'value_added', 'hz-psb', 1, 3, 'government', 'registration', 0, 0, 'manual', '新开办企业首套印章由政府买单。', ''),
    ('330500-VA-0002', '免费税控设备', 'value_added', 'value_added', 'hz-tax', 1, 3, 'government', '', 0, 0, 'manual', '免费发放税务UKey。', ''),
    ('330500-VA-0003', '材料免费寄递', 'value_added', 'value_added', 'hz-amr', 1, 3, 'market', '', 0, 0, 'manual', '营业执照、印章等免费寄递到企业。', '寄递地址|electronic|1|1|申请时填写'),
    ('330500-VA-0004', '新办纳税人套餐', 'value_added', 'value_added', 'hz-tax', 1, 3, 'government', '', 0, 0, 'manual', '套餐式办理税务登记信息确认、票种核定等。', ''),
    ('330500-VA-0005', '证照到期提醒', 'value_added', 'value_added', 'hz-amr', 0, 0, 'government', 'registration', 0, 0, 'license_expiry', '许可证到期前30天自动提醒延续。', ''),
    ('330500-VA-0006', '年报提醒', 'value_added', 'value_added', 'hz-amr', 0, 0, 'government', 'registration', 0, 0, 'annual_report', '每年6月30日年报截止前自动提醒。', ''),
    ('330500-VA-0007', '选址智能推送', 'value_added', 'value_added', 'hz-nrp', 3, 5, 'government', 'project', 0, 0, 'manual', '按行业和规模推送可用厂房、楼宇。', ''),
    ('330500-VA-0008', '银行开户专人对接', 'value_added', 'value_added', 'hz-board-finance', 1, 3, 'market', 'finance', 0, 0, 'manual', '合作银行客户经理上门服务。', ''),
    ('330500-VA-0009', '首次办税辅导', 'value_added', 'value_added', 'hz-tax', 3, 5, 'government', '', 0, 0, 'manual', '税务专员一对一首次办税辅导。', ''),
    ('330500-VA-0010', '招聘用工对接', 'value_added', 'value_added', 'hz-hrss', 5, 10, 'government', 'talent', 0, 0, 'manual', '匹配招聘会与人力资源机构。', ''),
    ('330500-VA-0011', '惠企政策精准推送', 'value_added', 'value_added', 'hz-board-policy', 1, 3, 'government', 'policy', 0, 0, 'manual', '按企业画像推送可享政策。', ''),
    ('330500-VA-0012', '创业担保贷款对接', 'value_added', 'value_added', 'hz-hrss', 5, 10, 'government', 'finance', 0, 0, 'manual', '创业担保贷款及贴息申请辅导。', ''),
    ('330500-VA-0013', '商标注册指导', 'value_added', 'value_added', 'hz-board-ip', 5, 10, 'society', 'ip', 0, 0, 'manual', '知识产权服务机构提供商标注册指导。', ''),
    ('330500-VA-0014', '法律体检', 'value_added', 'value_added', 'hz-justice', 10, 15, 'society', 'law', 0, 0, 'manual', '律师事务所提供合同与用工合规体检。', ''),
    ('330500-VA-0015', '代理记账服务', 'value_added', 'value_added', 'hz-board-finance', 5, 10, 'market', 'finance', 200, 0, 'manual', '市场化代理记账（首月优惠）。', ''),
    ('330000-DRC-0001', '企业投资项目备案', 'filing', 'basic', 'hz-drc', 1, 5, 'government', 'project', 0, 0, 'manual', '企业投资项目在线备案。', '营业执照|electronic|1|1|电子证照库共享;项目备案信息表|electronic|1|1|申请人自备'),
    ('330000-NRP-0001', '建设用地规划许可证核发', 'licensing', 'basic', 'hz-nrp', 5, 20, 'government', 'project', 0, 1, 'manual', '用地规划许可。', '建设用地规划许可申请表|electronic|1|1|申请人自备;土地出让合同|copy|1|1|申请人自备'),
    ('330000-NRP-0002', '建设工程规划许可证核发', 'licensing', 'basic', 'hz-nrp', 5, 20, 'government', 'project', 0, 1, 'manual', '工程规划许可。', '设计方案总平面图|electronic|1|1|申请人自备'),
    ('330000-HOUSING-0001', '建筑工程施工许可证核发', 'licensing', 'basic', 'hz-housing', 3, 7, 'government', 'project', 0, 0, 'manual', '施工许可。', '施工合同|electronic|1|1|申请人自备;施工图审查合格书|electronic|1|1|数据共享'),
    ('330000-HOUSING-0002', '建设工程联合验收', 'confirmation', 'basic', 'hz-housing', 5, 20, 'government', 'project', 0, 1, 'manual', '规划、消防、人防等联合验收。', '竣工验收报告|original|1|1|申请人自备'),
    ('330000-POWER-0001', '水电气网联合报装', 'public_service', 'basic', 'hz-power', 5, 10, 'market', 'project', 0, 0, 'manual', '供水、供电、供气、网络一次报装。', '报装申请表|electronic|1|1|申请人自备'),
    ('330500-VA-0101', '全程帮办代办', 'value_added', 'value_added', 'hz-board-policy', 1, 3, 'government', 'project', 0, 0, 'manual', '项目专员全流程帮办代办。', ''),
    ('330500-VA-0102', '区域评估成果共享', 'value_added', 'value_added', 'hz-drc', 3, 5, 'government', 'project', 0, 0, 'manual', '共享区域环评、能评、地灾评估成果，免于单独评估。', ''),
    ('330500-VA-0103', '要素保障对接', 'value_added', 'value_added', 'hz-eit', 5, 10, 'government', 'project', 0, 0, 'manual', '用地、用能、排污权要素保障协调。', ''),
    ('330000-HRSS-0002', '就业登记', 'confirmation', 'basic', 'hz-hrss', 0, 5, 'government', 'talent', 0, 0, 'manual', '新招用人员就业登记。', '劳动合同|electronic|1|1|申请人自备'),
    ('330000-HRSS-0003', '人才认定（高层次人才分类认定）', 'confirmation', 'basic', 'hz-hrss', 10, 20, 'government', 'talent', 0, 0, 'manual', '按分类目录认定人才层次。', '学历学位证书|copy|1|1|申请人自备;业绩证明|electronic|1|1|申请人自备'),
    ('330500-VA-0201', '招聘会对接', 'value_added', 'value_added', 'hz-hrss', 5, 10, 'government', 'talent', 0, 0, 'manual', '推荐参加专场招聘会。', ''),
    ('330500-VA-0202', '人才公寓申请辅导', 'value_added', 'value_added', 'hz-board-talent', 5, 10, 'government', 'talent', 0, 0, 'manual', '人才公寓房源与申请辅导。', ''),
    ('330500-VA-0203', '子女入学协调', 'value_added', 'value_added', 'hz-board-talent', 10, 15, 'government', 'talent', 0, 0, 'manual', '高层次人才子女入学协调。', ''),
    ('330500-VA-0204', '技能培训补贴推送', 'value_added', 'value_added', 'hz-hrss', 3, 5, 'government', 'talent', 0, 0, 'manual', '职业技能培训补贴政策推送。', ''),
    ('330000-STI-0001', '科技型中小企业评价', 'confirmation', 'basic', 'hz-sti', 10, 20, 'government', 'tech', 0, 0, 'manual', '科技型中小企业评价入库。', '研发费用明细|electronic|1|1|申请人自备'),
    ('330000-STI-0002', '高新技术企业认定申报', 'confirmation', 'basic', 'hz-sti', 20, 60, 'government', 'tech', 0, 0, 'manual', '高企认定申报受理。', '知识产权证书|electronic|1|1|申请人自备;研发费用专项审计报告|electronic|1|1|中介机构出具'),
    ('330000-TAX-0002', '研发费用加计扣除备案', 'filing', 'basic', 'hz-tax', 0, 5, 'government', 'tech', 0, 0, 'manual', '研发费用加计扣除留存备查。', '研发项目立项文件|electronic|1|1|申请人自备'),
    ('330500-VA-0301', '高企差距诊断', 'value_added', 'value_added', 'hz-board-tech', 5, 10, 'society', 'tech', 0, 0, 'manual', '对照高企认定条件逐项诊断差距。', ''),
    ('330500-VA-0302', '科技成果转化对接', 'value_added', 'value_added', 'hz-board-tech', 10, 15, 'society', 'tech', 0, 0, 'manual', '对接高校院所成果转化。', ''),
    ('330500-VA-0303', '检验检测服务', 'value_added', 'value_added', 'hz-board-tech', 5, 10, 'market', 'tech', 500, 1, 'manual', '第三方检验检测机构服务（收费）。', ''),
    ('330000-AMR-0002', '动产抵押登记', 'filing', 'basic', 'hz-amr', 0, 5, 'government', 'finance', 0, 0, 'manual', '动产抵押登记。', '抵押合同|electronic|1|1|申请人自备'),
    ('330000-IP-0001', '知识产权质押登记', 'filing', 'basic', 'hz-board-ip', 3, 7, 'government', 'ip', 0, 0, 'manual', '专利权、商标权质押登记。', '质押合同|electronic|1|1|申请人自备'),
    ('330500-VA-0401', '银企对接', 'value_added', 'value_added', 'hz-jrb', 5, 10, 'market', 'finance', 0, 0, 'manual', '按融资需求对接合作银行。', ''),
    ('330500-VA-0402', '首贷服务', 'value_added', 'value_added', 'hz-jrb', 5, 10, 'market', 'finance', 0, 0, 'manual', '首贷服务中心专人对接首笔贷款。', ''),
    ('330500-VA-0403', '上市辅导', 'value_added', 'value_added', 'hz-jrb', 20, 30, 'society', 'finance', 0, 0, 'manual', '股改与上市辅导。', ''),
    ('330500-VA-0404', '产业基金对接', 'value_added', 'value_added', 'hz-jrb', 10, 20, 'market', 'finance', 0, 0, 'manual', '政府产业基金与社会资本对接。', ''),
    ('330000-COMMERCE-0001', '对外贸易经营者备案', 'filing', 'basic', 'hz-commerce', 1, 5, 'government', 'opening', 0, 0, 'manual', '对外贸易经营者备案登记。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330000-CUSTOMS-0001', '报关单位备案', 'filing', 'basic', 'hz-customs', 1, 5, 'government', 'opening', 0, 0, 'manual', '海关进出口货物收发货人备案。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330000-TAX-0003', '出口退（免）税备案', 'filing', 'basic', 'hz-tax', 1, 5, 'government', 'opening', 0, 0, 'manual', '出口退税资格备案。', '营业执照|electronic|1|1|电子证照库共享'),
    ('330500-VA-0501', '通关咨询', 'value_added', 'value_added', 'hz-customs', 3, 5, 'government', 'opening', 0, 0, 'manual', '通关政策与归类咨询。', ''),
    ('330500-VA-0502', '出口信用保险', 'value_added', 'value_added', 'hz-board-open', 5, 10, 'market', 'opening', 0, 0, 'manual', '出口信保投保辅导与保费补贴。', ''),
    ('330500-VA-0503', '境外展会补贴申报辅导', 'value_added', 'value_added', 'hz-commerce', 5, 10, 'government', 'opening', 0, 0, 'manual', '境外展会补贴政策申报辅导。', ''),
    ('330500-VA-0504', 'RCEP原产地证书申领', 'value_added', 'value_added', 'hz-customs', 1, 3, 'government', 'opening', 0, 0, 'manual', 'RCEP原产地证书申领与关税减让咨询。', ''),
    ('330000-AMR-0003', '企业信息变更登记', 'licensing', 'basic', 'hz-amr', 1, 15, 'government', 'registration', 0, 0, 'manual', '名称、住所、经营范围等变更。', '营业执照|electronic|1|1|电子证照库共享;变更决议|electronic|1|1|申请人自备'),
    ('330000-AMR-0004', '企业迁移登记', 'licensing', 'basic', 'hz-amr', 3, 15, 'government', 'registration', 0, 0, 'manual', '跨区域迁移登记。', '营业执照|electronic|1|1|电子证照库共享;迁入地住所证明|electronic|1|1|申请人自备'),
    ('330000-AMR-0005', '企业注销登记', 'licensing', 'basic', 'hz-amr', 1, 15, 'government', 'registration', 0, 0, 'manual', '简易注销与一般注销。', '清税证明|electronic|1|1|税务数据共享;注销决议|electronic|1|1|申请人自备'),
    ('330500-VA-0601', '税务清算辅导', 'value_added', 'value_added', 'hz-tax', 5, 10, 'government', '', 0, 0, 'manual', '注销前税务清算辅导。', ''),
    ('330500-VA-0602', '社保公积金同步变更', 'value_added', 'value_added', 'hz-hrss', 1, 3, 'government', '', 0, 0, 'manual', '变更信息同步推送社保、医保和公积金。', ''),
    ('330500-VA-0603', '信用修复', 'value_added', 'value_added', 'hz-board-policy', 10, 15, 'government', 'law', 0, 0, 'manual', '行政处罚信息信用修复指导。', ''),
    ('330000-AMR-0101', '化妆品生产许可', 'licensing', 'basic', 'hz-amr', 20, 30, 'government', 'registration', 0, 1, 'manual', '化妆品生产许可证核发。', '生产场地平面图|electronic|1|1|申请人自备;质量管理体系文件|electronic|1|1|申请人自备'),
    ('330000-AMR-0102', '普通化妆品备案', 'filing', 'basic', 'hz-amr', 5, 10, 'government', 'registration', 0, 0, 'manual', '国产普通化妆品备案。', '产品配方|electronic|1|1|申请人自备;产品安全评估资料|electronic|1|1|申请人自备'),
    ('330500-VA-0701', '化妆品检验检测', 'value_added', 'value_added', 'hz-board-tech', 10, 15, 'market', 'tech', 800, 1, 'manual', '功效与安全检测（收费）。', ''),
    ('330500-VA-0702', '品牌管理与商标布局', 'value_added', 'value_added', 'hz-board-ip', 10, 15, 'society', 'ip', 0, 0, 'manual', '品牌策划与商标国际布局指导。', ''),
    ('330000-PSB-0101', '特种行业许可证（旅馆业）', 'licensing', 'basic', 'hz-psb', 10, 20, 'government', '', 0, 1, 'manual', '民宿旅馆业特种行业许可。', '消防安全检查意见|electronic|1|1|数据共享;房屋权属证明|copy|1|1|申请人自备'),
    ('330000-AMR-0103', '食品经营许可', 'licensing', 'basic', 'hz-amr', 5, 20, 'government', 'registration', 0, 1, 'manual', '民宿餐饮食品经营许可。', '食品安全管理制度|electronic|1|1|申请人自备'),
    ('330000-FIRE-0101', '公众聚集场所投入使用营业前消防安全检查', 'licensing', 'basic', 'hz-fire', 5, 10, 'government', '', 0, 1, 'manual', '告知承诺制消防检查。', '消防安全承诺书|original|1|1|申请人自备'),
    ('330500-VA-0801', '民宿项目选址', 'value_added', 'value_added', 'hz-tourism', 5, 10, 'government', 'project', 0, 0, 'manual', '结合村庄规划推荐民宿选址。', ''),
    ('330500-VA-0802', '场所租赁对接', 'value_added', 'value_added', 'hz-tourism', 5, 10, 'market', '', 0, 0, 'manual', '闲置农房租赁对接。', ''),
    ('330500-VA-0803', '民宿贷银企对接', 'value_added', 'value_added', 'hz-jrb', 5, 10, 'market', 'finance', 0, 0, 'manual', '民宿经营贷款对接。', ''),
]

# code, name, kind, stage, chain, board, region, summary, order, published
BUNDLES = [
    ('qykb', '企业开办一类事', 'lifecycle', 'opening', '', 'registration', '330500', '营业执照、印章、发票、社保医保公积金、银行开户一次办，增值服务按需勾选。', 1, True),
    ('xmjs', '项目建设开工一类事', 'lifecycle', 'construction', '', 'project', '330500', '从立项备案到联合验收、水电气网报装，项目专员全程帮办。', 2, True),
    ('zpyg', '招聘用工/人才一类事', 'lifecycle', 'employment', '', 'talent', '330500', '用工参保、就业登记、人才认定，一并对接招聘会、人才公寓。', 3, True),
    ('kjcx', '科技创新一类事', 'lifecycle', 'innovation', '', 'tech', '330500', '科技型中小企业评价、高企认定、研发费用加计扣除，附高企差距诊断。', 4, True),
    ('rzfw', '融资服务一类事', 'lifecycle', 'financing', '', 'finance', '330500', '动产和知识产权质押登记，银企对接、首贷、上市辅导。', 5, True),
    ('wmkf', '外贸开放一类事', 'lifecycle', 'trade', '', 'opening', '330500', '外贸备案、海关备案、出口退税备案，通关咨询与出口信保。', 6, True),
    ('bgzx', '变更/迁移/注销一类事', 'lifecycle', 'change', '', 'registration', '330500', '信息变更、迁移、注销一次办，社保公积金同步变更。', 7, True),
    ('mzcyl', '美妆产业链一类事', 'industry_chain', '', '美妆', 'tech', '330500', '化妆品生产许可与备案，检验检测与品牌管理。', 8, True),
    ('mscyl', '民宿产业链一类事', 'industry_chain', '', '民宿', '', '330523', '营业执照、特种行业许可、食品经营许可、消防检查，附选址、租赁与银企对接。', 9, True),
]

# bundle, item, kind, default_selected, order, requires, excludes, industries, sizes, max_age
BUNDLE_ITEMS = [
    ('qykb', '330000-AMR-0001', 'basic', 1, 1, '', '', '', '', None),
    ('qykb', '330000-PSB-0001', 'basic', 1, 2, '', '', '', '', None),
    ('qykb', '330000-TAX-0001', 'basic', 1, 3, '', '', '', '', None),
    ('qykb', '330000-HRSS-0001', 'basic', 1, 4, '', '', '', '', None),
    ('qykb', '330000-HSA-0001', 'basic', 1, 5, '', '', '', '', None),
    ('qykb', '330000-HPF-0001', 'basic', 1, 6, '', '', '', '', None),
    ('qykb', '330000-BANK-0001', 'basic', 1, 7, '', '', '', '', None),
    ('qykb', '330500-VA-0001', 'value_added', 1, 1, '', '', '', '', None),
    ('qykb', '330500-VA-0002', 'value_added', 1, 2, '', '', '', '', None),
    ('qykb', '330500-VA-0003', 'value_added', 0, 3, '', '', '', '', None),
    ('qykb', '330500-VA-0004', 'value_added', 0, 4, '', '330500-VA-0009', '', '', None),
    ('qykb', '330500-VA-0005', 'value_added', 0, 5, '', '', '', '', None),
    ('qykb', '330500-VA-0006', 'value_added', 0, 6, '', '', '', '', None),
    ('qykb', '330500-VA-0007', 'value_added', 0, 7, '', '', 'C', '', None),
    ('qykb', '330500-VA-0008', 'value_added', 0, 8, '', '', '', '', None),
    ('qykb', '330500-VA-0009', 'value_added', 0, 9, '', '330500-VA-0004', '', '', None),
    ('qykb', '330500-VA-0010', 'value_added', 0, 10, '', '', '', 'small,micro', None),
    ('qykb', '330500-VA-0011', 'value_added', 0, 11, '', '', '', '', 3),
    ('qykb', '330500-VA-0012', 'value_added', 0, 12, '', '', '', 'micro', None),
    ('qykb', '330500-VA-0013', 'value_added', 0, 13, '', '', '', '', None),
    ('qykb', '330500-VA-0014', 'value_added', 0, 14, '', '', '', '', None),
    ('qykb', '330500-VA-0015', 'value_added', 0, 15, '', '', '', 'micro', None),
    ('xmjs', '330000-DRC-0001', 'basic', 1, 1, '', '', '', '', None),
    ('xmjs', '330000-NRP-0001', 'basic', 1, 2, '', '', '', '', None),
    ('xmjs', '330000-NRP-0002', 'basic', 1, 3, '', '', '', '', None),
    ('xmjs', '330000-HOUSING-0001', 'basic', 1, 4, '', '', '', '', None),
    ('xmjs', '330000-HOUSING-0002', 'basic', 1, 5, '', '', '', '', None),
    ('xmjs', '330000-POWER-0001', 'basic', 1, 6, '', '', '', '', None),
    ('xmjs', '330500-VA-0101', 'value_added', 1, 1, '', '', '', '', None),
    ('xmjs', '330500-VA-0102', 'value_added', 0, 2, '', '', '', '', None),
    ('xmjs', '330500-VA-0103', 'value_added', 0, 3, '', '', 'C', 'large,medium', None),
    ('zpyg', '330000-HRSS-0001', 'basic', 1, 1, '', '', '', '', None),
    ('zpyg', '330000-HRSS-0002', 'basic', 1, 2, '', '', '', '', None),
    ('zpyg', '330000-HRSS-0003', 'basic', 1, 3, '', '', '', '', None),
    ('zpyg', '330500-VA-0201', 'value_added', 0, 1, '', '', '', '', None),
    ('zpyg', '330500-VA-0202', 'value_added', 0, 2, '330000-HRSS-0003', '', '', '', None),
    ('zpyg', '330500-VA-0203', 'value_added', 0, 3, '330000-HRSS-0003', '', '', '', None),
    ('zpyg', '330500-VA-0204', 'value_added', 1, 4, '', '', 'C', '', None),
    ('kjcx', '330000-STI-0001', 'basic', 1, 1, '', '', '', '', None),
    ('kjcx', '330000-STI-0002', 'basic', 1, 2, '', '', '', '', None),
    ('kjcx', '330000-TAX-0002', 'basic', 1, 3, '', '', '', '', None),
    ('kjcx', '330500-VA-0301', 'value_added', 0, 1, '', '', 'C,I,M', 'small,medium', None),
    ('kjcx', '330500-VA-0302', 'value_added', 0, 2, '', '', '', '', None),
    ('kjcx', '330500-VA-0303', 'value_added', 0, 3, '', '', '', '', None),
    ('rzfw', '330000-AMR-0002', 'basic', 1, 1, '', '', '', '', None),
    ('rzfw', '330000-IP-0001', 'basic', 1, 2, '', '', '', '', None),
    ('rzfw', '330500-VA-0401', 'value_added', 1, 1, '', '', '', '', None),
    ('rzfw', '330500-VA-0402', 'value_added', 0, 2, '330500-VA-0401', '', '', 'small,micro', 5),
    ('rzfw', '330500-VA-0403', 'value_added', 0, 3, '', '', '', 'large,medium', None),
    ('rzfw', '330500-VA-0404', 'value_added', 0, 4, '', '', '', '', None),
    ('wmkf', '330000-COMMERCE-0001', 'basic', 1, 1, '', '', '', '', None),
    ('wmkf', '330000-CUSTOMS-0001', 'basic', 1, 2, '', '', '', '', None),
    ('wmkf', '330000-TAX-0003', 'basic', 1, 3, '', '', '', '', None),
    ('wmkf', '330500-VA-0501', 'value_added', 1, 1, '', '', '', '', None),
    ('wmkf', '330500-VA-0502', 'value_added', 0, 2, '', '', '', '', None),
    ('wmkf', '330500-VA-0503', 'value_added', 0, 3, '', '', '', '', None),
    ('wmkf', '330500-VA-0504', 'value_added', 0, 4, '', '', '', '', None),
    ('bgzx', '330000-AMR-0003', 'basic', 1, 1, '', '', '', '', None),
    ('bgzx', '330000-AMR-0004', 'basic', 1, 2, '', '', '', '', None),
    ('bgzx', '330000-AMR-0005', 'basic', 1, 3, '', '', '', '', None),
    ('bgzx', '330500-VA-0601', 'value_added', 0, 1, '', '330500-VA-0602', '', '', None),
    ('bgzx', '330500-VA-0602', 'value_added', 1, 2, '', '330500-VA-0601', '', '', None),
    ('bgzx', '330500-VA-0603', 'value_added', 0, 3, '', '', '', '', None),
    ('mzcyl', '330000-AMR-0001', 'basic', 1, 1, '', '', '', '', None),
    ('mzcyl', '330000-AMR-0101', 'basic', 1, 2, '', '', '', '', None),
    ('mzcyl', '330000-AMR-0102', 'basic', 1, 3, '', '', '', '', None),
    ('mzcyl', '330500-VA-0701', 'value_added', 0, 1, '', '', 'C26', '', None),
    ('mzcyl', '330500-VA-0702', 'value_added', 0, 2, '', '', '', '', None),
    ('mzcyl', '330500-VA-0005', 'value_added', 1, 3, '', '', '', '', None),
    ('mscyl', '330000-AMR-0001', 'basic', 1, 1, '', '', '', '', None),
    ('mscyl', '330000-PSB-0101', 'basic', 1, 2, '', '', '', '', None),
    ('mscyl', '330000-AMR-0103', 'basic', 1, 3, '', '', '', '', None),
    ('mscyl', '330000-FIRE-0101', 'basic', 1, 4, '', '', '', '', None),
    ('mscyl', '330500-VA-0801', 'value_added', 0, 1, '', '', '', '', None),
    ('mscyl', '330500-VA-0802', 'value_added', 0, 2, '330500-VA-0801', '', '', '', None),
    ('mscyl', '330500-VA-0803', 'value_added', 0, 3, '', '', '', '', None),
]
# fmt: on


def item_rows() -> list[dict]:
    keys = (
        "code", "name", "item_type", "kind", "department", "promised_days", "legal_days", "provider_side",
        "board", "fee", "visits", "automation", "description", "materials",
    )  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in ITEMS]


def bundle_rows() -> list[dict]:
    keys = ("code", "name", "kind", "stage", "chain", "board", "region", "summary", "order", "published")
    return [dict(zip(keys, row, strict=True)) for row in BUNDLES]


def bundle_item_rows() -> list[dict]:
    keys = (
        "bundle", "item", "kind", "default_selected", "order", "requires", "excludes",
        "recommend_industries", "recommend_sizes", "recommend_max_age_years",
    )  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in BUNDLE_ITEMS]
