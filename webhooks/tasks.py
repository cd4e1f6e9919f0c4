"""Webhook delivery tasks: ids in, one attempt, the service decides what comes next."""

from celery import shared_task

from config.celery import app

from . import services


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    """Safe to run twice: the delivery is claimed by a conditional update before sending."""
    return services.deliver(delivery_id)


@shared_task
def sweep_webhooks() -> int:
    return services.sweep()


@app.on_after_finalize.connect
def schedule_sweep(sender, **kwargs):
    # Every minute: deliveries whose message or worker was lost are queued again.
    sender.add_periodic_task(60.0, sweep_webhooks.s(), name="webhooks: sweep due deliveries")
