from __future__ import annotations


def test_metrics_are_hidden_without_a_configured_token(platform_client, settings):
    settings.METRICS_TOKEN = ""
    assert platform_client.get("/metrics").status_code == 404


def test_metrics_need_the_bearer_token(platform_client, client_a, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert platform_client.get("/metrics").status_code == 401
    wrong = platform_client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401

    client_a.get("/")
    response = platform_client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'pista_communities{status="active"} 2.0' in body
    assert 'pista_http_requests_total{host_kind="community",method="GET",status="2xx"}' in body
    assert "alpha" not in body  # no per-community series
