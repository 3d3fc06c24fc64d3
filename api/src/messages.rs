//! The words of every message the API answers with, in Chinese beside the
//! English the code writes. A template's `{}` stands for a part that
//! varies (a number, a field, a phrase), which is itself translated when
//! the catalogue knows it. A test reads the sources and fails when a
//! message a user can meet has no Chinese here.

use crate::locale::Locale;

/// (English template, Chinese template).
const CATALOGUE: &[(&str, &str)] = &[
    // Framing.
    ("invalid input: {}", "输入有误：{}"),
    ("{} not found", "未找到{}"),
    ("an internal error occurred", "服务器内部错误"),
    ("your role may not {}", "您的角色无权{}"),
    ("read the quarterly task analysis", "查看季度任务完成率分析"),
    ("manage tracks", "管理赛道"),
    (
        "this database holds the demo company: start a real company on a new database",
        "此数据库装有演示公司：请在新数据库上开始真实公司",
    ),
    ("is already the name of another track", "已是另一个赛道的名称"),
    (
        "an admin exists already: log in as that admin, or pass --another to add one",
        "已有管理员：请以该管理员登录，或加 --another 再添加一位",
    ),
    // What was not found.
    ("alert", "告警任务"),
    ("opportunity", "商机"),
    ("user", "用户"),
    ("track", "赛道"),
    ("customer", "客户"),
    ("loss review", "输单复盘"),
    // What a role may not do.
    ("activate or deactivate users", "启用或停用用户"),
    (
        "change opportunities (CEO and secretary follow them read-only)",
        "修改商机（CEO和CEO秘书只读跟踪）",
    ),
    ("change the configuration", "修改配置"),
    ("change users", "修改用户"),
    ("create opportunities", "创建商机"),
    ("create users", "创建用户"),
    ("list users", "查看用户列表"),
    ("reset passwords", "重置密码"),
    ("run the scan", "运行告警扫描"),
    ("import ERP data or targets", "导入ERP数据或目标"),
    // Meetings and their tasks.
    ("meeting", "会议"),
    ("task", "任务"),
    ("must be a time of day as HH:MM", "须为时刻，格式HH:MM"),
    (
        "must be 1 to 4 (or ask for the last weekday)",
        "须为1到4（或选择每月最后一个星期几）",
    ),
    (
        "only the secretary or an admin schedules the monthly meeting",
        "月度督导会只能由CEO秘书或系统管理员安排",
    ),
    (
        "only the track's director or an admin schedules its weekly meeting",
        "赛道周会只能由该赛道总监或系统管理员安排",
    ),
    ("is needed for a weekly meeting", "赛道周会必须指定赛道"),
    (
        "must be empty: the monthly meeting is the whole company's",
        "须留空：月度督导会面向全公司",
    ),
    ("give a start or a recurrence, one of the two", "请给出开始时间或重复规则，二者选一"),
    ("must be in the future", "须为将来的时间"),
    ("the meeting is cancelled", "会议已取消"),
    (
        "the meeting has started: it can no longer be moved or cancelled",
        "会议已开始，不能再改期或取消",
    ),
    ("another meeting of the series starts then", "同一系列的另一场会议在该时间开始"),
    ("the meeting was changed meanwhile: read it again", "会议已被他人修改，请重新读取"),
    ("give a track or an account manager, not both", "请给出赛道或客户经理，不能同时给出"),
    ("give the row's track (or its account manager)", "请给出该行的赛道（或客户经理）"),
    ("is needed", "必填"),
    ("the secretary records the monthly meeting's tasks", "月度督导会的任务由CEO秘书记录"),
    (
        "the track's director records its weekly meeting's tasks",
        "赛道周会的任务由该赛道总监记录",
    ),
    ("is not a row of the board of {}", "不是{}看板上的一行"),
    ("is not of the meeting's track", "不属于该会议的赛道"),
    ("is not a user", "不是系统用户"),
    ("is not of the row's track", "不属于该行的赛道"),
    ("is not an alert you can see", "不是您可查看的告警任务"),
    ("is closed: link a running alert", "已关闭：请关联进行中的告警任务"),
    ("is done: link a pending funnel task", "已完成：请关联待办的漏斗任务"),
    ("is not a funnel task you can see", "不是您可查看的漏斗任务"),
    ("only the task's owner marks it done", "只有任务负责人可以标记完成"),
    ("the task is not pending", "任务不是待完成状态"),
    ("the task was changed meanwhile: read it again", "任务已被他人修改，请重新读取"),
    ("only who recorded the task reopens it", "只有记录该任务的人可以重新打开"),
    ("only a done task can be reopened", "只有已完成的任务可以重新打开"),
    ("is not a quarter", "不是有效的季度"),
    ("the opening report is ready from {}", "开场报告自{}起可查看"),
    // The order-health board.
    ("an account manager's funnel is his own deals'", "客户经理的漏斗只含本人的商机"),
    (
        "the order-health board is the CEO's, the secretary's, the admin's and the directors'",
        "接单健康度看板仅供CEO、CEO秘书、系统管理员和赛道总监查看",
    ),
    (
        "is a year to come: the board is of this year or one that is over",
        "是未来的年份：看板只显示今年或已结束的年份",
    ),
    (
        "decisions are taken once the meeting has opened, at {}",
        "会议开始后（{}）方可作出决定",
    ),
    ("tasks of this meeting can be recorded from {}", "本次会议的任务自{}起可以记录"),
    (
        "the window to record tasks of this meeting closed at {}",
        "本次会议的任务记录时间已于{}截止",
    ),
    ("is not an active user", "不是启用中的用户"),
    (
        "must be a director of the row's track (a monthly meeting's task)",
        "须为该行赛道的总监（月度督导会任务）",
    ),
    (
        "must be an account manager of the meeting's track (a weekly meeting's task)",
        "须为该会议赛道的客户经理（赛道周会任务）",
    ),
    ("is needed: the dimension ranks account managers", "必填：该维度按客户经理排名"),
    ("is needed: the dimension ranks tracks", "必填：该维度按赛道排名"),
    // The chair's decisions and the rows' analyses.
    ("is needed to decide {}", "决定{}时必填"),
    ("is only given to decide {}", "仅在决定{}时填写"),
    ("EXTEND", "延期"),
    ("REDISPATCH", "重新派发"),
    ("ADJUST", "调整任务内容"),
    (
        "the CEO decides at the monthly meeting (the secretary records it)",
        "月度督导会由CEO决定（CEO秘书记录）",
    ),
    ("the track's director decides at its weekly meeting", "赛道周会由该赛道总监决定"),
    (
        "does not review this task: a later meeting of its series decides (a monthly one, when it was escalated)",
        "本次会议不审议该任务：由同系列的后续会议决定（已升级的任务由月度督导会决定）",
    ),
    ("the task is done: reopen it first", "任务已完成：请先重新打开"),
    ("the task is closed", "任务已关闭"),
    ("is the task's description already", "与任务当前内容相同"),
    ("is the task's due date already", "与任务当前截止时间相同"),
    ("is the task's owner already", "已是该任务的负责人"),
    (
        "only the director of the row's track analyses it",
        "只有该行赛道的总监可以填写原因分析",
    ),
    (
        "is not 未达标: only a row on the wrong side of the target line takes an analysis",
        "未处于未达标状态：只有未达标的行需要原因分析和改善计划",
    ),
    // Logging in.
    ("account deactivated", "账号已停用"),
    ("expected Authorization: Bearer <token>", "请求头应为 Authorization: Bearer <token>"),
    (
        "log in first: send Authorization: Bearer <token>",
        "请先登录：发送 Authorization: Bearer <token>",
    ),
    ("invalid token: {}", "令牌无效：{}"),
    ("algorithm not accepted", "签名算法不被接受"),
    ("bad signature", "签名错误"),
    ("bad subject", "主体错误"),
    ("unknown user", "用户不存在"),
    ("wrong audience", "受众不符"),
    ("wrong issuer", "签发方不符"),
    ("malformed", "格式错误"),
    ("missing claim {}", "缺少声明 {}"),
    ("not valid yet", "尚未生效"),
    ("token expired", "令牌已过期"),
    ("token revoked: log in again", "令牌已撤销：请重新登录"),
    ("the login has ended: log in again", "登录已结束：请重新登录"),
    ("unknown refresh token: log in again", "刷新令牌无效：请重新登录"),
    (
        "this refresh token was already used: the login is ended for safety; log in again",
        "该刷新令牌已被使用：为安全起见本次登录已结束，请重新登录",
    ),
    ("wrong e-mail or password", "邮箱或密码错误"),
    ("too many failed logins: wait before trying again", "登录失败次数过多：请稍后再试"),
    ("too many failed attempts: wait before trying again", "失败次数过多：请稍后再试"),
    ("too many logins at once: try again in a second", "同时登录的人太多：请一秒后再试"),
    ("the server is busy: try again in a second", "服务器繁忙：请一秒后再试"),
    ("you cannot deactivate your own account", "不能停用自己的账号"),
    ("you cannot take the admin role from yourself", "不能取消自己的系统管理员角色"),
    // Field problems.
    ("is required", "必填"),
    ("is not a valid id", "不是有效的编号"),
    ("is not a cursor of this list", "不是本列表的游标"),
    ("is not an event id", "不是事件编号"),
    ("is not an id", "不是有效的编号"),
    ("is not a refresh token", "不是刷新令牌"),
    ("is not a track", "不是赛道"),
    // ERP and target imports.
    ("has no rows", "没有数据行"),
    ("has more than {} rows: split the batch", "超过{}行：请拆分后分批导入"),
    ("has {} more problems not listed", "另有{}个问题未列出"),
    (
        "the file is empty: it needs a header row and rows",
        "文件为空：需要一行表头和数据行",
    ),
    ("is not valid CSV", "不是有效的CSV"),
    ("is not UTF-8: save the file as CSV UTF-8", "不是UTF-8编码：请另存为“CSV UTF-8”格式"),
    (
        "is not a column of this kind of file; its columns are {}",
        "不是此类文件的列；此类文件的列为{}",
    ),
    ("is a required column and is missing", "是必需的列，但文件中没有"),
    ("has more cells than the header", "单元格数多于表头"),
    ("is not a column of this kind of batch", "不是此类数据的列"),
    (
        "expected a month as YYYY-MM between 2000-01 and 2100-12",
        "应为2000-01至2100-12之间的月份，格式YYYY-MM",
    ),
    ("is not the e-mail of a user", "不是任何用户的邮箱"),
    ("is not an account manager", "不是客户经理"),
    ("is not an account manager of this track", "不是该赛道的客户经理"),
    ("is not an opportunity", "不是商机"),
    ("belongs to another track", "属于其他赛道"),
    ("is given twice in this batch, first in {}", "在本批数据中重复，首次出现在{}"),
    ("gives the same target as {}", "与{}的目标重复"),
    ("is larger than {} MiB: split it", "超过{} MiB：请拆分后导入"),
    ("is not a file of this request", "不是本次请求上传的文件"),
    ("a month is 1 to 12", "月份须为1到12"),
    ("a quarter is 1 to 4", "季度须为1到4"),
    ("the year has not begun", "该年度尚未开始"),
    ("the period has not begun", "该期间尚未开始"),
    ("is not a period", "不是有效的期间"),
    (
        "expected a file of the multipart request (GraphQL multipart request spec)",
        "应为多部分请求中的文件（GraphQL multipart request spec）",
    ),
    ("is more than 10,000,000,000 yuan", "超过100亿元"),
    (
        "each file of the request is given to one variable",
        "请求中的每个文件只能对应一个变量",
    ),
    ("has no figures per account manager", "没有按客户经理的数据"),
    ("is not a kind of record this figure is made of", "不是构成该数字的记录类型"),
    (
        "give a trackId or an accountManagerId, not both",
        "请指定 trackId 或 accountManagerId 之一",
    ),
    ("a year is 2001 to 2100", "年份须在2001到2100之间"),
    ("is the month of a month period", "仅用于按月的期间"),
    ("is the quarter of a quarter period", "仅用于按季度的期间"),
    ("is required for this kind of period", "此类期间必填"),
    ("is not a track you can create opportunities in", "不是您可以创建商机的赛道"),
    ("is not your current password", "不是您当前的密码"),
    ("is given twice", "重复填写"),
    ("is already used by another user", "已被其他用户使用"),
    ("is already the owner", "已是负责人"),
    ("is only given to reassign", "仅在转派时填写"),
    ("is required to lose", "输单时必填"),
    ("is required to reassign", "转派时必填"),
    ("is required to shelve", "搁置时必填"),
    ("has more than two decimals", "小数超过两位"),
    ("give first or last, not both", "first 与 last 只能二选一"),
    ("goes with first; use before with last", "应与 first 搭配；与 last 搭配请用 before"),
    ("goes with last; use after with first", "应与 last 搭配；与 first 搭配请用 after"),
    ("must be at most {} characters", "最多{}个字符"),
    ("must be at least {} characters", "至少{}个字符"),
    ("must be between {} and {}", "须在{}到{}之间"),
    ("must be between 1 and 36 months", "须在1到36个月之间"),
    ("must be between 1 and 365 days", "须在1到365天之间"),
    ("must be above 0 and at most 100", "须大于0且不超过100"),
    ("must be a day between 1 and 28", "须为1到28之间的日期"),
    ("must be an hour between 0 and 23", "须为0到23之间的小时"),
    ("must be a month as YYYY-MM", "须为 YYYY-MM 格式的月份"),
    (
        "must be an e-mail address such as name@company.cn",
        "须为邮箱地址，例如 name@company.cn",
    ),
    ("must be an active account manager of the track", "须为该赛道在职的客户经理"),
    (
        "must be an active account manager of the opportunity's track",
        "须为该商机所在赛道在职的客户经理",
    ),
    (
        "must be yuan as a decimal string such as {}",
        "须为以元为单位的十进制字符串，例如 {}",
    ),
    ("must differ from the current password", "须与当前密码不同"),
    ("must lie between the years 2000 and 2100", "须在2000年到2100年之间"),
    ("must lie within a year of now", "须在距今一年之内"),
    ("must name between 1 and {} alerts", "须指定1到{}条告警任务"),
    ("must not be in the future", "不能晚于现在"),
    ("must not be negative", "不能为负数"),
    ("must not be the e-mail address", "不能与邮箱相同"),
    ("must not begin or end with a space", "首尾不能有空格"),
    ("must not contain a NUL character", "不能包含 NUL 字符"),
    ("must not contain control characters", "不能包含控制字符"),
    ("is the meeting's start already", "已是会议的开始时间"),
    ("is longer than {} KiB: is this a CSV export?", "超过{} KiB：这是CSV导出文件吗？"),
    (
        "choose your own password first (changePassword): until then only changePassword, logout and me answer",
        "请先设置您自己的密码（changePassword）：在此之前只能使用 changePassword、logout 和 me",
    ),
    (
        "must not contain invisible or direction-changing characters (U+{})",
        "不能包含不可见字符或改变文字方向的字符（U+{}）",
    ),
    ("must be one line without control characters", "须为单行且不含控制字符"),
    ("at most {} tracks", "最多{}个赛道"),
    (
        "expected a date as YYYY-MM-DD between 2000-01-01 and 2100-12-31",
        "日期格式应为 YYYY-MM-DD，且在2000-01-01到2100-12-31之间",
    ),
    (
        "expected an RFC 3339 date-time with its offset, such as {}",
        "时间应为带时区偏移的 RFC 3339 格式，例如 {}",
    ),
    (
        "expected yuan as a decimal string such as {}",
        "金额应为以元为单位的十进制字符串，例如 {}",
    ),
    ("unknown time zone {}", "未知时区 {}"),
    ("stage weights must not decrease along the funnel", "阶段权重沿漏斗不能递减"),
    // Accounts.
    ("an account manager works in exactly one track", "客户经理只属于一个赛道"),
    ("a track director runs at least one track", "赛道总监至少负责一个赛道"),
    ("a track director runs at most {} tracks", "赛道总监最多负责{}个赛道"),
    ("this role holds no track", "该角色不属于任何赛道"),
    ("{}: give the tracks with the new role", "{}：请随新角色一并指定赛道"),
    ("you belong to no track yet: ask an admin", "您尚未加入任何赛道：请联系系统管理员"),
    // Opportunities.
    ("a lost opportunity cannot be shelved", "已输单的商机不能搁置"),
    (
        "a secured opportunity cannot be shelved: it is closed only by answering its SECURED_NO_MOLD alert with LOSE when the project never started",
        "已Secured的商机不能搁置：只有在回复其“Secured后未分配模号”告警时选择输单（项目未正式启动）才能关闭",
    ),
    ("a shelved opportunity cannot be shelved", "已搁置的商机不能再次搁置"),
    (
        "a secured opportunity is closed only by answering its SECURED_NO_MOLD alert with LOSE when the project never started",
        "已Secured的商机只有在回复其“Secured后未分配模号”告警时选择输单（项目未正式启动）才能关闭",
    ),
    (
        "a secured opportunity is won and cannot change stage",
        "已Secured的商机已赢单，不能变更阶段",
    ),
    (
        "a {} opportunity cannot change stage; reactivate it first",
        "{}的商机不能变更阶段：请先重启",
    ),
    (
        "a mold number is assigned only to a secured opportunity",
        "只有Secured的商机才能分配模号",
    ),
    (
        "a precision forecast is required from H_POTENTIAL on",
        "进入H Potential后须填写精度版预测",
    ),
    (
        "a precision forecast (order date and amount) is required from H_POTENTIAL on",
        "进入H Potential后须填写精度版预测（下单日期和金额）",
    ),
    (
        "a shelved opportunity is reactivated, shelved again or lost, not kept",
        "搁置的商机只能重启、再次搁置或输单，不能保持跟进",
    ),
    ("an account manager creates opportunities for himself", "客户经理只能为自己创建商机"),
    (
        "an opportunity is secured by a stage move, not created secured",
        "商机通过推进阶段变为Secured，不能直接创建为Secured",
    ),
    ("an explanation is required for {}", "选择{}时须填写说明"),
    (
        "only a director or an admin reassigns an opportunity",
        "只有赛道总监或系统管理员可以转派商机",
    ),
    (
        "only a shelved opportunity can be reactivated; this one is {}",
        "只有搁置的商机可以重启；该商机为{}",
    ),
    (
        "opportunity {} is at version {}, not {}: reload it and try again",
        "商机{}已是版本{}而非{}：请刷新后重试",
    ),
    ("the opportunity is already at this stage", "商机已处于该阶段"),
    ("the opportunity is already lost", "商机已输单"),
    ("the opportunity is lost", "商机已输单"),
    ("the restart date must be in the future", "重启日期须晚于今天"),
    ("active", "跟进中"),
    ("shelved", "搁置"),
    ("lost", "输单"),
    // Alerts.
    (
        "only a director of the alert's track does this",
        "只有告警所在赛道的赛道总监可以操作",
    ),
    (
        "only the account manager who owns the alert resolves it",
        "只有告警所属的客户经理可以处理",
    ),
    (
        "only the alert's account manager marks it seen",
        "只有告警所属的客户经理可以标记已读",
    ),
    ("the alert is already raised to the CEO", "告警已上报CEO"),
    ("the alert is already resolved", "告警已处理"),
    ("the alert is already reviewed", "告警已复核"),
    ("the alert is not resolved yet", "告警尚未处理"),
    (
        "this connection fell behind: subscribe again with the given `after` to receive the rest",
        "连接接收过慢：请用给出的 after 重新订阅以接收其余事件",
    ),
    (
        "the alert was changed meanwhile: reload it and try again",
        "告警已被他人修改：请刷新后重试",
    ),
    ("run the funnel check", "运行漏斗健康度检查"),
    ("funnel alert", "漏斗健康度告警"),
    ("freeze the forecast", "冻结销售预测"),
    ("take the baseline", "生成承接基准"),
    ("the year of its baseline is over", "其承接基准所属年度已结束"),
    ("an opportunity of it may no longer migrate its target", "其中的商机已不能迁移目标"),
    ("target migration", "目标迁移申请"),
    ("is not an opportunity of yours", "不是您本人的商机"),
    (
        "is not molding integrated: only molding-integrated targets migrate",
        "不是模塑一体商机：只有模塑一体商机可以迁移目标",
    ),
    (
        "has a locked baseline: mold development and mass production targets cannot migrate",
        "承接基准已锁定：模具开发和量产商机的目标不可迁移",
    ),
    ("is no longer open", "已不在进行中"),
    (
        "only an account manager asks for a target migration",
        "只有客户经理可以提交目标迁移申请",
    ),
    ("must be more than zero", "必须大于零"),
    ("must be another opportunity", "必须是另一个商机"),
    ("is not in the same track", "不在同一赛道"),
    ("has no baseline this year", "今年没有承接基准"),
    ("is more than the opportunity's baseline", "超过该商机的承接基准"),
    (
        "the target migration was changed meanwhile: read it again",
        "目标迁移申请已被他人修改：请重新读取",
    ),
    ("is required to reject", "驳回时必填"),
    (
        "only a director of the track decides a target migration",
        "只有该赛道的总监可以审批目标迁移申请",
    ),
    ("the target migration is decided already", "该目标迁移申请已审批"),
    ("execute a target migration", "执行目标迁移"),
    ("the target migration is not approved", "该目标迁移申请未获批准"),
    ("the first opportunity has no baseline this year", "原商机今年没有承接基准"),
    (
        "the first opportunity's baseline no longer covers the amount",
        "原商机的承接基准已不足迁移金额",
    ),
    ("forecast alert", "双版本差异告警"),
    ("funnel task", "漏斗任务"),
    ("must lie within a year of today", "须在今天之前一年之内"),
    ("must not lie in a month to come", "不能是以后的月份"),
    ("must not lie in the future", "不能是以后的日期"),
    (
        "an account manager's funnel is live only: month ends are kept per track",
        "客户经理的漏斗只有实时数据：月末快照按赛道保存",
    ),
    (
        "no month-end funnel is kept for {}: past funnels are read at month ends once checked",
        "{}没有保存的月末漏斗：过去的漏斗只能在月末检查后按月末读取",
    ),
    ("is not a deal of the task's owner", "不是该任务负责人的商机"),
    ("has 20 tasks already", "已有20个任务"),
    ("is required when the attribution is OTHER", "归因为“其他”时必填"),
    (
        "only a director of the track attributes its funnel alert",
        "只有该赛道的总监可以为其漏斗告警归因",
    ),
    ("the funnel alert is attributed already", "该漏斗告警已归因"),
    (
        "the funnel alert was changed meanwhile: read it again",
        "漏斗告警已被他人修改：请重新读取",
    ),
    ("only a track's director dispatches funnel tasks", "只有赛道总监可以派发漏斗任务"),
    ("must lie in the future", "须晚于现在"),
    ("is too far away", "太远了"),
    ("is required to add opportunities", "补充新商机时必填"),
    ("is only for a reactivation", "仅用于激活存量商机"),
    ("is required to reactivate an opportunity", "激活存量商机时必填"),
    ("is only for adding opportunities", "仅用于补充新商机"),
    ("is not the alert's track", "不是该告警的赛道"),
    ("is not a funnel alert of your tracks", "不是您赛道的漏斗告警"),
    ("is not one of your tracks", "不是您的赛道"),
    ("is required without an alert", "不关联告警时必填"),
    ("is not an account manager of the track", "不是该赛道的客户经理"),
    ("is neither shelved nor inactive", "既未搁置也非不活跃"),
    ("is not an opportunity of the track", "不是该赛道的商机"),
    ("fewer new opportunities were added than the task asks", "新增商机数少于任务要求"),
    (
        "the opportunity is not active and followed up since the task was given",
        "该商机自任务派发以来尚未激活并跟进",
    ),
];

/// `message` in `locale`: the English as written, or its Chinese when the
/// catalogue knows it (unknown text stays as it is).
pub fn translate(message: &str, locale: Locale) -> String {
    match locale {
        Locale::En => message.to_owned(),
        Locale::ZhCn => zh(message).unwrap_or_else(|| message.to_owned()),
    }
}

/// The message of a validation error: every bad field with what is wrong,
/// in `locale` (the field paths stay as the API spells them).
pub fn invalid_input<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>, locale: Locale) -> String {
    match locale {
        Locale::En => {
            let list: Vec<String> = fields.into_iter().map(|(f, m)| format!("{f}: {m}")).collect();
            format!("invalid input: {}", list.join("; "))
        }
        Locale::ZhCn => {
            let list: Vec<String> = fields.into_iter().map(|(f, m)| format!("{f}：{}", translate(m, locale))).collect();
            format!("输入有误：{}", list.join("；"))
        }
    }
}

/// The Chinese of a message, when the catalogue has its template.
pub fn zh(message: &str) -> Option<String> {
    if let Some((_, zh)) = CATALOGUE.iter().find(|(en, _)| *en == message) {
        return Some((*zh).to_owned());
    }
    CATALOGUE.iter().find_map(|(en, chinese)| {
        let parts = captures(en, message)?;
        let mut out = String::new();
        let mut pieces = chinese.split("{}");
        out.push_str(pieces.next().unwrap_or_default());
        for (part, piece) in parts.iter().zip(pieces) {
            // A quoted name or a phrase the catalogue knows is translated too.
            out.push_str(&zh(part).unwrap_or_else(|| (*part).to_owned()));
            out.push_str(piece);
        }
        Some(out)
    })
}

/// The parts of `message` standing where `template` has `{}`, when it fits.
fn captures<'m>(template: &str, message: &'m str) -> Option<Vec<&'m str>> {
    let fixed: Vec<&str> = template.split("{}").collect();
    if fixed.len() < 2 {
        return None;
    }
    let mut rest = message.strip_prefix(fixed[0])?;
    let mut parts = Vec::new();
    for (i, next) in fixed.iter().enumerate().skip(1) {
        let last = i == fixed.len() - 1;
        let at = if last {
            if !rest.ends_with(next) {
                return None;
            }
            rest.len() - next.len()
        } else if next.is_empty() {
            return None;
        } else {
            rest.find(next)?
        };
        let part = &rest[..at];
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        rest = &rest[at + next.len()..];
    }
    Some(parts)
}

#[cfg(test)]
mod tests;
