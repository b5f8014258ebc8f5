"""What operators watch about the money: owners' answers, automatic refunds, money held without
its service (set from the reconciliation of every sweep)."""

from prometheus_client import Counter, Gauge

ANSWERS = Counter("payment_owner_answers_total", "Owning services' answers to succeeded payments", ["answer"])
REFUNDS = Counter("payment_answer_refunds_total", "Payments refunded because their owner refused them", ["reason"])
HELD_WITHOUT_SERVICE = Gauge(
    "payment_money_held_without_service_piastres",
    "Money captured and neither refunded nor kept for an order: should be 0 (alert when it is not)",
)
AWAITING_ANSWER = Gauge(
    "payment_money_awaiting_answer_piastres", "Money of succeeded payments still within their service time"
)
