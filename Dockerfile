# One image for the API service and the weekly worker (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kg ./kg
COPY ingest ./ingest
COPY api ./api
COPY queries ./queries
COPY examples ./examples
# EXTRAS=ray for the Ray backfill image (deploy/k8s/backfill-rayjob.yaml)
ARG EXTRAS=""
RUN pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}"
ENV MLKG_STORE=/data/graph
EXPOSE 8000
CMD ["kg", "serve", "--host", "0.0.0.0", "--port", "8000"]
