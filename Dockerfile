# syntax=docker/dockerfile:1
# Build wheels in one stage and install them in a clean slim image in the next, so
# the runtime image carries no compiler, no pip cache, no source tree and no wheels.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
# Dependencies first, from pyproject.toml alone: this layer is rebuilt when the
# dependencies change, not on every change to the code.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt
# Then the project: a code change rebuilds this one wheel.
COPY setup.py README.md ./
COPY probes ./probes
COPY storage ./storage
COPY statuspage ./statuspage
COPY templates ./templates
COPY schemas ./schemas
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATUSPAGE_CONFIG=/etc/statuspage/statuspage.toml \
    STATUSPAGE_DATABASE_URL=sqlite:////data/statuspage.db \
    STATUSPAGE_HOST=0.0.0.0 \
    STATUSPAGE_PORT=8080
# The wheels are mounted from the build stage for this one step only, so no layer
# of the image keeps them; --no-index proves the build stage built every one.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index /wheels/*.whl \
    && groupadd --system --gid 10001 statuspage \
    && useradd --system --uid 10001 --gid statuspage --home-dir /data --shell /usr/sbin/nologin statuspage \
    && mkdir -p /data /etc/statuspage && chown statuspage:statuspage /data
# Watches only this service's own /healthz until you mount your configuration here.
COPY docker/statuspage.toml /etc/statuspage/statuspage.toml
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STATUSPAGE_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["statuspage", "run"]
