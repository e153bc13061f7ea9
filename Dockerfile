# One image for the API service and the weekly worker (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kg ./kg
COPY ingest ./ingest
COPY api ./api
COPY queries ./queries
COPY examples ./examples
RUN pip install --no-cache-dir .
ENV MLKG_STORE=/data/graph
EXPOSE 8000
CMD ["kg", "serve", "--host", "0.0.0.0", "--port", "8000"]
