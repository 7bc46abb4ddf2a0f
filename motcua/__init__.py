"""MotCua: the one-stop e-government platform."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko (PDF signing) imports cryptography's DSA key types at import time, and cryptography
# warns that DSA is deprecated: every manage.py command printed that warning. Our own keys are
# RSA or ECDSA. Only this one warning is silenced, here because this package is imported before
# anything imports pyHanko (manage.py, WSGI, pytest). Remove it once pyHanko stops importing DSA.
warnings.filterwarnings(
    "ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning
)
