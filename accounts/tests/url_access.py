from tests.access_table import SIGNED_IN, Case, allow, everyone

_signed_in_ok = allow(*SIGNED_IN)

CASES = {
    # Signed-in people are sent home from the sign-in page.
    "accounts:sign_in": Case(everyone(302) | {"anonymous": 200}),
    # Without a password checked first, the second step sends people back to sign in.
    "accounts:two_factor": Case(everyone(302)),
    "accounts:sign_out": Case(everyone(302), method="post"),
    "accounts:stay_signed_in": Case(everyone(302), method="post"),
    "accounts:account": Case(_signed_in_ok),
    # Nobody in the test world has an authenticator yet, so everyone may set one up.
    "accounts:two_factor_setup": Case(_signed_in_ok),
    "accounts:recovery_codes_regenerate": Case(_signed_in_ok, method="post"),
    "accounts:password_change": Case(_signed_in_ok),
    "accounts:password_reset": Case(everyone(200)),
    "accounts:password_reset_done": Case(everyone(200)),
    "accounts:password_reset_confirm": Case(
        everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "accounts:password_reset_complete": Case(everyone(200)),
}
