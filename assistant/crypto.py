"""The server secret that encrypts stored API keys (Fernet: AES-128-CBC + HMAC-SHA256).

The secret comes from ``Settings.secret_key`` (the same on every app process of a team) or, when
unset, from a key file generated once into the data folder, readable by its owner only.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet

from assistant.errors import SessionStoreError


def _key_from_secret(secret: str | bytes) -> bytes:
    """A Fernet key from a configured secret: a Fernet key is used as is, any other string
    (a passphrase, a random hex string) is stretched with SHA-256."""
    raw = secret.encode() if isinstance(secret, str) else secret
    raw = raw.strip()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"report-assistant:" + raw).digest())


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, created (0600, atomically: two processes agree on one key) if absent."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile: use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes().strip()


def fernet_for(secret: str | bytes | None, key_file: Path | None, where: str) -> Fernet:
    """The cipher for stored keys: from the configured secret, else from the key file."""
    if secret:
        return Fernet(_key_from_secret(secret))
    if key_file is None:
        raise SessionStoreError(
            where, "共享数据库需要服务器密钥：请设置 ASSISTANT_SECRET_KEY（各应用进程相同）"
        )
    try:
        return Fernet(_key_from_secret(load_or_create_key(key_file)))
    except OSError as e:
        raise SessionStoreError(where, f"无法读取或创建密钥文件“{key_file}”（{e.strerror or e}）") from e
