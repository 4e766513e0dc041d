"""The S3-compatible storage (FILE_STORAGE=s3), read from the environment.

django-storages is optional: a deployment on one machine, or on several sharing an NFS
mount, needs nothing more than Django's FileSystemStorage, so it is not in
requirements.txt. The bucket stays private: no ACL is set and files are never linked to
(the views stream them after their owner and scope checks).
"""

from django.core.exceptions import ImproperlyConfigured

from unionapp.env import env_int, env_str


def s3_storage() -> dict:
    try:
        import storages.backends.s3  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "FILE_STORAGE=s3 needs django-storages with boto3: pip install 'django-storages[s3]'"
        ) from None
    bucket = env_str("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,  # MinIO, Ceph, a cloud's S3 API
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,  # None: the instance role / AWS_* chain
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", ""),  # a folder inside the bucket
            "default_acl": None,  # the bucket's own (private) policy
            "file_overwrite": False,  # a name taken gets a free variant, as on the file system
            "max_memory_size": env_int("S3_SPOOL_BYTES", 8 * 1024 * 1024),
        },
    }
