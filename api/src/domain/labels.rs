//! The words people read for every stored enumeration, in the company's own
//! Chinese (`../shared/LABELS-zh.md`) and in English. Labels that name a
//! configured number (15日无跟进, 25号预警) are filled in from the settings.
//! Every match is exhaustive: a new value does not compile without its words.

use super::alerts::Unit;
use super::board::{Dimension, PeriodKind, StandingKind, Unit as BoardUnit};
use super::funnel_review::RestartHandling;
use super::health::Health;
use super::meetings::RecurrenceKind;
use super::page::{AlertOrder, FactOrder, OpportunityOrder};
use super::settings::Settings;
use chrono::Weekday;
use entity::{
    ActivityKind, AlertDecision, AlertRule, AlertStatus, Attribution, BusinessLine, ErpKind, EventKind, FunnelAttribution, FunnelTaskKind,
    HistoryField, MeetingChangeKind, MeetingKind, MeetingStatus, MigrationStatus, OpportunityKind, OpportunityStatus, ReviewAction, Role,
    ShelveReason, Stage, TaskDecisionKind, TaskStatus,
};

pub use crate::locale::Locale;

/// A value with words for people.
pub trait Labelled: Copy {
    /// (zh-CN, English).
    fn words(self, s: &Settings) -> (String, String);

    /// The label in `locale`.
    fn label(self, locale: Locale, s: &Settings) -> String {
        let (zh, en) = self.words(s);
        match locale {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }
}

macro_rules! words {
    ($t:ident { $($v:ident => $zh:literal, $en:literal;)* }) => {
        impl Labelled for $t {
            fn words(self, _: &Settings) -> (String, String) {
                let (zh, en) = match self {
                    $($t::$v => ($zh, $en),)*
                };
                (zh.to_owned(), en.to_owned())
            }
        }
    };
}

words!(Role {
    AccountManager => "客户经理", "Account manager";
    TrackDirector => "赛道总监", "Track director";
    Ceo => "CEO", "CEO";
    Secretary => "CEO秘书", "CEO's secretary";
    Admin => "系统管理员", "Administrator";
});

words!(BusinessLine {
    MoldingIntegrated => "模塑一体", "Molding integrated";
    CommodityMold => "商品模", "Commodity molds";
});

words!(Stage {
    InitialIdentification => "初步识别", "Initial identification";
    Quotation => "报价博弈", "Quotation";
    DeepNegotiation => "深度谈判", "Deep negotiation";
    HPotential => "H Potential", "H Potential";
    Secured => "Secured", "Secured";
});

words!(OpportunityStatus {
    Active => "跟进中", "Active";
    Shelved => "搁置", "Shelved";
    Lost => "输单", "Lost";
});

words!(OpportunityKind {
    MoldDevelopment => "模具开发", "Mold development";
    MassProduction => "量产", "Mass production";
    Other => "其他", "Other";
});

words!(ActivityKind {
    Visit => "拜访", "Visit";
    Call => "电话", "Call";
    Email => "邮件", "E-mail";
    Meeting => "会议", "Meeting";
    Note => "备注", "Note";
    QuotationUpdate => "报价更新", "Quotation update";
    AlertAttribution => "无跟进归因", "Alert attribution";
});

words!(ShelveReason {
    CustomerAwaitingApprovalOrBudget => "客户项目进入等待状态", "Customer waiting for approval or budget";
    CustomerDesignNotFinal => "客户产品设计未定稿", "Customer's design not final";
    CustomerDecisionMakerChanged => "客户端决策人变更", "Customer's decision-maker changed";
    CustomerBudgetCutOrFrozen => "客户预算削减或冻结", "Customer's budget cut or frozen";
    CustomerProductionRelocated => "客户生产基地转移", "Customer's production relocated";
    CustomerIndustryDemandDown => "行业整体需求下滑", "Industry demand down";
    CustomerCompetitorReevaluation => "竞争对手介入", "A competitor entered";
    CustomerOther => "其他客户方原因", "Other customer reason";
    OurTechnicalCapability => "我方技术能力暂时无法满足", "Our technical capability falls short for now";
    OurNoCapacity => "我方产能不足", "Not enough capacity on our side";
    OurQuotationTooHigh => "我方报价成本过高", "Our quotation is too high";
    OurOther => "其他我方原因", "Other reason on our side";
});

words!(HistoryField {
    Stage => "阶段", "Stage";
    Status => "状态", "Status";
    RollingForecast => "滚动预测（主观版）", "Rolling forecast";
    PrecisionForecast => "H Potential精度版", "Precision forecast";
});

words!(AlertStatus {
    Open => "待处理", "Open";
    Resolved => "已处理待审阅", "Resolved, awaiting review";
    Reviewed => "已审阅", "Reviewed";
});

words!(Attribution {
    CustomerNoResponse => "客户无响应", "Customer does not respond";
    CustomerProjectOnHold => "客户项目暂缓", "Customer's project on hold";
    CustomerDecisionMakerChanged => "客户决策人变更", "Customer's decision-maker changed";
    CustomerDesignNotFinal => "客户产品设计未定稿", "Customer's design not final";
    CustomerAskedToPause => "客户主动要求暂停跟进", "Customer asked to pause";
    CustomerOther => "其他客户原因", "Other customer reason";
    OurCapacity => "客户经理资源不足", "Not enough account-manager capacity";
    OurStrategicPause => "策略性暂缓", "Strategic pause";
    OurQuotationNotReady => "内部报价/技术方案未就绪", "Quotation or technical solution not ready";
    OurOther => "其他我方原因", "Other reason on our side";
});

words!(AlertDecision {
    Keep => "保持跟进", "Keep following";
    Shelve => "搁置", "Shelve";
    Lose => "输单", "Lose";
    Reactivate => "重启", "Reactivate";
});

/// The words of `decision` in answer to an alert of `rule`: a secured
/// deal's `SECURED_NO_MOLD` alert is closed as lost when the project never
/// started (项目未正式启动), and says so.
pub fn decision_in_answer_to(rule: AlertRule, decision: AlertDecision, locale: Locale, s: &Settings) -> String {
    match (rule, decision) {
        (AlertRule::SecuredNoMold, AlertDecision::Lose) => match locale {
            Locale::ZhCn => "项目未正式启动，输单关闭".to_owned(),
            Locale::En => "Project never started: close as lost".to_owned(),
        },
        _ => decision.label(locale, s),
    }
}

words!(ReviewAction {
    Acknowledge => "已阅", "Acknowledged";
    Assist => "协助推进", "Assist";
    Reassign => "调整资源分配", "Reassign";
    SuggestClose => "建议关闭", "Suggest closing";
});

words!(EventKind {
    AlertRaised => "新告警", "New alert";
    AlertResolved => "告警已处理", "Alert resolved";
    AlertReviewed => "告警已审阅", "Alert reviewed";
    AlertOverdue => "告警逾期", "Alert overdue";
    ReviewOverdue => "审阅逾期", "Review overdue";
    AlertRaisedToCeo => "已上报CEO", "Raised to the CEO";
    ErpImported => "ERP数据已导入", "ERP data imported";
    TaskAssigned => "新任务", "New task";
    TaskDueTomorrow => "任务明天到期", "Task due tomorrow";
    TaskOverdue => "任务已逾期", "Task overdue";
    TaskEscalated => "任务已升级", "Task escalated";
    MeetingReportReady => "开场报告已就绪", "Opening report ready";
    FunnelAlertRaised => "漏斗健康度告警", "Funnel alert";
    FunnelAlertOverdue => "漏斗告警逾期", "Funnel alert overdue";
    FunnelTaskAssigned => "新漏斗任务", "New funnel task";
    DealSecured => "商机已Secured", "Deal secured";
    ForecastGap => "双版本差异告警", "Forecast gap";
    TargetMigrationRequested => "目标迁移申请", "Target migration requested";
    TargetMigrationDecided => "目标迁移已审批", "Target migration decided";
    TargetMigrationExecuted => "目标迁移已执行", "Target migration executed";
    TargetMigrationOverdue => "目标迁移执行超期", "Target migration overdue";
});

words!(FunnelAttribution {
    LargeQualityDeals => "高质量大单支撑", "Large high-quality deals";
    BigProjectEntering => "模塑一体有大项目即将进入漏斗", "A big molding project about to enter";
    SwitchingTracks => "商品模正处于赛道切换期", "Commodity line switching tracks";
    HandledByAnomalyPdca => "已启动商机推进异常PDCA处理", "Handled by an anomaly PDCA";
    Other => "其他", "Other";
});

words!(MigrationStatus {
    Requested => "待审批", "Awaiting approval";
    Approved => "已批准待执行", "Approved, to execute";
    Rejected => "已驳回", "Rejected";
    Executed => "已执行", "Executed";
});

words!(FunnelTaskKind {
    AddOpportunities => "补充新商机", "Add new opportunities";
    Reactivate => "激活存量不活跃商机", "Reactivate an inactive opportunity";
});

words!(Dimension {
    TrackSalesAchievement => "各赛道销售达成率", "Track sales achievement";
    AccountManagerSalesAchievement => "客户经理销售达成率", "Account-manager sales achievement";
    TrackOrderAchievement => "各赛道接单达成率", "Track order achievement";
    AccountManagerOrderAchievement => "客户经理接单达成率", "Account-manager order achievement";
    TrackGrossMargin => "各赛道毛利率", "Track gross margin";
    TrackForecastAccuracy => "各赛道销售预测准确率", "Track sales forecast accuracy";
    TrackExpenseRatio => "各赛道费用占销售千分比", "Track expenses per mille of sales";
    TrackDso => "各赛道应收周转天数（DSO）", "Track DSO (days sales outstanding)";
});

words!(MeetingKind {
    MonthlySupervision => "月度销售督导会", "Monthly supervision meeting";
    TrackWeekly => "赛道周会", "Track weekly meeting";
});

words!(MeetingStatus {
    Scheduled => "已安排", "Scheduled";
    Cancelled => "已取消", "Cancelled";
});

words!(MeetingChangeKind {
    Moved => "已改期", "Moved";
    Cancelled => "已取消", "Cancelled";
    Restored => "已恢复", "Scheduled again";
});

words!(TaskStatus {
    Pending => "待完成", "Pending";
    Done => "已完成", "Done";
    Cancelled => "已关闭", "Closed";
});

words!(TaskDecisionKind {
    Extend => "延期", "Extend";
    Redispatch => "重新派发", "Re-dispatch";
    Adjust => "调整任务内容", "Adjust";
    Close => "关闭", "Close";
});

words!(RecurrenceKind {
    Weekly => "每周", "Every week";
    MonthlyNth => "每月第N个星期几", "The nth weekday of each month";
    MonthlyLast => "每月最后一个星期几", "The last weekday of each month";
});

words!(Weekday {
    Mon => "周一", "Monday";
    Tue => "周二", "Tuesday";
    Wed => "周三", "Wednesday";
    Thu => "周四", "Thursday";
    Fri => "周五", "Friday";
    Sat => "周六", "Saturday";
    Sun => "周日", "Sunday";
});

words!(PeriodKind {
    Month => "月度", "Month";
    Quarter => "季度", "Quarter";
    YearToDate => "年初至今", "Year to date";
});

words!(BoardUnit {
    Percent => "%", "%";
    PerMille => "‰", "‰";
    Days => "天", "days";
});

words!(StandingKind {
    Ranked => "已排名", "Ranked";
    NoTarget => "无目标", "No target";
    NoSales => "无销售", "No sales";
    NoData => "无数据", "No data";
    NotAvailable => "暂未提供", "Not yet available";
});

words!(Health {
    Ok => "正常", "On track";
    Below => "未达标", "Not reached";
    Reached => "已完成全年目标", "Year's target met";
    NoTarget => "无目标", "No target";
    YearOver => "年度已结束", "Year over";
    NoData => "无数据", "No data";
});

words!(RestartHandling {
    OnTime => "按时处理", "Handled on time";
    Late => "逾期处理", "Handled late";
    Missed => "未处理", "Not handled";
    Pending => "待处理", "Pending";
});

words!(FactOrder {
    DateNewest => "日期最新在前", "Newest first";
    DateOldest => "日期最早在前", "Oldest first";
    AmountLargest => "金额最大在前", "Largest amount first";
    AmountSmallest => "金额最小在前", "Smallest amount first";
});

words!(ErpKind {
    Orders => "订单", "Orders";
    Sales => "销售", "Sales";
    Expenses => "费用", "Expenses";
    Receivables => "应收账款", "Receivables";
    SalesTargets => "销售目标", "Sales targets";
    OrderTargets => "接单目标", "Order targets";
});

words!(Unit {
    Days => "天", "days";
    Months => "个月", "months";
    DayOfMonth => "号", "day of the month";
});

words!(AlertOrder {
    OldestFirst => "最早的在前", "Oldest first";
    NewestFirst => "最新的在前", "Newest first";
    DueSoonest => "最先到期", "Due soonest";
    OverdueFirst => "超期优先", "Overdue first";
});

words!(OpportunityOrder {
    OldestFirst => "最早创建的在前", "Oldest first";
    NewestFirst => "最新创建的在前", "Newest first";
    LastFollowUpOldest => "最久未跟进", "Longest without follow-up";
    LastFollowUpNewest => "最近跟进", "Most recently followed up";
    ExpectedOrderMonth => "预计下单月份", "Expected order month";
    AmountLargest => "金额最大", "Largest amount";
});

words!(Locale {
    ZhCn => "简体中文", "Chinese (simplified)";
    En => "English", "English";
});

/// 2周 for whole weeks, else 15天.
fn zh_days(days: i64) -> String {
    if days > 0 && days % 7 == 0 {
        format!("{}周", days / 7)
    } else {
        format!("{days}天")
    }
}

fn en_days(days: i64) -> String {
    if days > 0 && days % 7 == 0 {
        format!("{} weeks", days / 7)
    } else {
        format!("{days} days")
    }
}

impl Labelled for AlertRule {
    fn words(self, s: &Settings) -> (String, String) {
        match self {
            AlertRule::NoFollowUp => (
                format!("{}日无跟进", s.no_follow_up_days),
                format!("No follow-up for {} days", s.no_follow_up_days),
            ),
            AlertRule::StalledInitial => (
                format!("初步识别停留超{}", zh_days(s.stalled_initial_days)),
                format!("Initial identification over {}", en_days(s.stalled_initial_days)),
            ),
            AlertRule::StalledQuotation => (
                format!("报价博弈停留超{}个月", s.stalled_quotation_months),
                format!("Quotation over {} months", s.stalled_quotation_months),
            ),
            AlertRule::StalledNegotiation => (
                format!("深度谈判停留超{}个月", s.stalled_negotiation_months),
                format!("Deep negotiation over {} months", s.stalled_negotiation_months),
            ),
            AlertRule::SecuredNoMold => (
                format!("Secured后超{}个月未分配模号", s.secured_no_mold_months),
                format!("Secured over {} months ago, no mold number", s.secured_no_mold_months),
            ),
            AlertRule::ShelveRestartDue => (
                format!("搁置到期前{}天", s.shelve_restart_lead_days),
                format!("Shelved: restart due in {} days", s.shelve_restart_lead_days),
            ),
            AlertRule::OrderExpectedNotHPotential => (
                format!("{}号预警（本月预计接单未到H Potential）", s.order_expected_check_day),
                format!(
                    "Check of the {}th: order expected this month, not at H Potential",
                    s.order_expected_check_day
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_labels_carry_the_configured_numbers() {
        let s = Settings::default();
        assert_eq!(AlertRule::NoFollowUp.label(Locale::ZhCn, &s), "15日无跟进");
        assert_eq!(AlertRule::StalledInitial.label(Locale::ZhCn, &s), "初步识别停留超2周");
        assert_eq!(
            AlertRule::OrderExpectedNotHPotential.label(Locale::ZhCn, &s),
            "25号预警（本月预计接单未到H Potential）"
        );
        let s = Settings {
            no_follow_up_days: 20,
            stalled_initial_days: 10,
            ..Settings::default()
        };
        assert_eq!(AlertRule::NoFollowUp.label(Locale::ZhCn, &s), "20日无跟进");
        assert_eq!(
            AlertRule::StalledInitial.label(Locale::En, &s),
            "Initial identification over 10 days"
        );
    }

    #[test]
    fn accept_language_picks_the_best_of_ours() {
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("fr-FR, zh-CN;q=0.8, en;q=0.5"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_accept_language("zh-Hans-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_accept_language("en;q=0, zh;q=0.1"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_accept_language("fr, de"), None);
        assert_eq!(Locale::from_accept_language(""), None);
    }
}
