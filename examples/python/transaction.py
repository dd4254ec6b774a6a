"""Transactional messages: a half message is stored, the local transaction runs, and only a committed message
reaches consumers. An undecided transaction is settled later when the broker asks the listener's ``check``.

Run it with ``python examples/python/transaction.py`` after ``pip install ./python``.
"""

from __future__ import annotations

import time

from fulmen import LocalTransactionState, Message, MessageView, PullConsumer, TransactionProducer
from fulmen.testing import LocalCluster

TOPIC = "Payments"


class PaymentListener:
    """Commits "pay", rolls back "refuse", leaves "later" undecided until the broker checks back."""

    def execute(self, message: Message, arg: object) -> LocalTransactionState:
        body = message.body.decode()
        print(f"execute {body!r} (arg={arg!r})")
        if body.startswith("pay"):
            return LocalTransactionState.COMMIT
        if body.startswith("refuse"):
            return LocalTransactionState.ROLLBACK
        return LocalTransactionState.UNKNOWN

    def check(self, message: MessageView) -> bool:
        print(f"the broker checks back on {message.body.decode()!r}: commit it")
        return True


# The broker looks for undecided transactions every second here (Apache's default is every 30 s).
with LocalCluster(transaction_check_interval=1.0) as cluster:
    with TransactionProducer(cluster.namesrv_addr, "payments-tx", listener=PaymentListener()) as producer:
        for body, order in [("pay 10 EUR", 1), ("refuse 99 EUR", 2), ("later 5 EUR", 3)]:
            result = producer.send_in_transaction(Message(TOPIC, body.encode()), arg={"order": order})
            print(f"  -> {result.local_transaction_state.name} (transaction {result.transaction_id})")

        with PullConsumer(
            cluster.namesrv_addr, "payments-reader", subscribe={TOPIC: "*"}, consume_from_where="FIRST_OFFSET"
        ) as consumer:
            expected = {"pay 10 EUR", "later 5 EUR"}
            deadline = time.monotonic() + 30
            for message in consumer:
                print(f"consumer received {message.body.decode()!r}")
                expected.discard(message.body.decode())
                if not expected or time.monotonic() > deadline:
                    break
print("the refused payment was never delivered")
