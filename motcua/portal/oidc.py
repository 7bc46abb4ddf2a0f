"""Login through an external OpenID Connect provider (the way VNeID is integrated).

Switched on by settings (all read at request time, so tests and deployments can change them):

- ``MOTCUA_OIDC_ENABLED``: "1" to show and allow the login
- ``MOTCUA_OIDC_ISSUER``: the provider's issuer; the discovery document must name exactly it
- ``MOTCUA_OIDC_DISCOVERY_URL``: defaults to ``<issuer>/.well-known/openid-configuration``
- ``MOTCUA_OIDC_CLIENT_ID`` / ``MOTCUA_OIDC_CLIENT_SECRET``
- ``MOTCUA_OIDC_SCOPES``: default "openid profile email phone"
- ``MOTCUA_OIDC_LABEL``: the button text, default "VNeID"
- ``MOTCUA_OIDC_CLAIM_MAP``: which claim carries id_number, full_name, email, phone

The protocol is Authlib's (authorization code flow with PKCE S256, ``state`` and ``nonce`` kept
in the session). The ID token is checked against the provider's JWKS: signature (RS256 or what
the provider announces), ``iss`` = the configured issuer, ``aud`` contains our client id (and
``azp`` when present), ``exp``/``iat`` with 2 minutes' leeway, ``nonce`` = the one we sent.
Mapping claims to an account is `motcua.accounts.citizens.oidc_user_for_claims`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

OAUTH_NAME = "motcua_oidc"
DEFAULT_SCOPES = "openid profile email phone"
HTTP_TIMEOUT_SECONDS = 10


class OidcFailed(DomainError):
    code = "oidc_failed"
    http_status = 400


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    label: str


def oidc_enabled() -> bool:
    return bool(getattr(settings, "MOTCUA_OIDC_ENABLED", False)) and bool(
        getattr(settings, "MOTCUA_OIDC_CLIENT_ID", "")
    )


def oidc_label() -> str:
    return str(getattr(settings, "MOTCUA_OIDC_LABEL", "") or "VNeID")


def oidc_settings() -> OidcSettings:
    issuer = str(getattr(settings, "MOTCUA_OIDC_ISSUER", "") or "").rstrip("/")
    discovery = str(getattr(settings, "MOTCUA_OIDC_DISCOVERY_URL", "") or "")
    if not discovery and issuer:
        discovery = f"{issuer}/.well-known/openid-configuration"
    return OidcSettings(
        issuer=issuer,
        discovery_url=discovery,
        client_id=str(getattr(settings, "MOTCUA_OIDC_CLIENT_ID", "") or ""),
        client_secret=str(getattr(settings, "MOTCUA_OIDC_CLIENT_SECRET", "") or ""),
        scopes=str(getattr(settings, "MOTCUA_OIDC_SCOPES", "") or DEFAULT_SCOPES),
        label=oidc_label(),
    )


_clients: dict[OidcSettings, Any] = {}
_lock = threading.Lock()


def oidc_client() -> Any:
    """The Authlib client for the current settings (cached: it caches discovery and JWKS)."""
    from authlib.integrations.django_client import OAuth

    conf = oidc_settings()
    if not conf.discovery_url or not conf.client_id:
        raise OidcFailed(_("Login through an identity provider is not configured."))
    with _lock:
        client = _clients.get(conf)
        if client is None:
            oauth = OAuth()
            client = oauth.register(
                name=OAUTH_NAME,
                client_id=conf.client_id,
                client_secret=conf.client_secret,
                server_metadata_url=conf.discovery_url,
                client_kwargs={
                    "scope": conf.scopes,
                    "code_challenge_method": "S256",
                    "default_timeout": HTTP_TIMEOUT_SECONDS,
                },
            )
            _clients.clear()  # settings changed: drop the old provider's cached keys
            _clients[conf] = client
    return client


def _metadata(client: Any) -> dict[str, Any]:
    conf = oidc_settings()
    metadata: dict[str, Any] = client.load_server_metadata()
    issuer = str(metadata.get("issuer") or "")
    if not issuer:
        raise OidcFailed(_("The identity provider's discovery document names no issuer."))
    if conf.issuer and issuer.rstrip("/") != conf.issuer:
        raise OidcFailed(_("The identity provider's discovery document names another issuer."))
    return metadata


def authorize_redirect(request: Any, redirect_uri: str) -> Any:
    client = oidc_client()
    try:
        _metadata(client)
        return client.authorize_redirect(request, redirect_uri)
    except OidcFailed:
        raise
    except Exception as exc:  # network or provider error: a page, not a 500
        raise OidcFailed(
            _("The identity provider cannot be reached now. Try again later.")
        ) from exc


def complete_login(request: Any) -> tuple[str, dict[str, Any]]:
    """(issuer, validated ID-token claims) for the provider's redirect back to us."""
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    client = oidc_client()
    conf = oidc_settings()
    try:
        metadata = _metadata(client)
        issuer = str(metadata["issuer"])
        token = client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": issuer},
                "aud": {"essential": True, "value": conf.client_id},
                "sub": {"essential": True},
            },
        )
    except OidcFailed:
        raise
    except OAuthError as exc:
        raise OidcFailed(
            _("Logging in through %(idp)s did not work (%(error)s). Try again.")
            % {"idp": conf.label, "error": exc.error or "oauth_error"}
        ) from exc
    except JoseError as exc:
        raise OidcFailed(
            _("Logging in through %(idp)s did not work: the identity token is not valid.")
            % {"idp": conf.label}
        ) from exc
    except (RequestException, ValueError, KeyError) as exc:
        raise OidcFailed(
            _("The identity provider cannot be reached now. Try again later.")
        ) from exc
    claims = token.get("userinfo")
    if not claims:
        # No ID token, or no nonce in our state: never trust an access token alone.
        raise OidcFailed(
            _("Logging in through %(idp)s did not work: no identity token was returned.")
            % {"idp": conf.label}
        )
    return issuer, dict(claims)
