# syntax=docker/dockerfile:1
# Build a wheel in one stage, install it in a clean slim image in the next, so
# the runtime image carries no compiler, no pip cache and no source tree.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY probes ./probes
COPY storage ./storage
COPY statuspage ./statuspage
COPY templates ./templates
COPY schemas ./schemas
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATUSPAGE_CONFIG=/etc/statuspage/statuspage.toml \
    STATUSPAGE_DATABASE_URL=sqlite:////data/statuspage.db \
    STATUSPAGE_HOST=0.0.0.0 \
    STATUSPAGE_PORT=8080
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && groupadd --system --gid 10001 statuspage \
    && useradd --system --uid 10001 --gid statuspage --home-dir /data --shell /usr/sbin/nologin statuspage \
    && mkdir -p /data /etc/statuspage && chown statuspage:statuspage /data
COPY examples/production.toml /etc/statuspage/statuspage.toml
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STATUSPAGE_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["statuspage", "run"]
