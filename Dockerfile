FROM python:3.11.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 newssieve
COPY pyproject.toml README.md scrapy.cfg ./
COPY newssieve ./newssieve
COPY crawler ./crawler
COPY workers ./workers
COPY demo ./demo
COPY config ./config
RUN pip install -e '.[ops]' \
    && mkdir -p /app/var && chown newssieve:newssieve /app/var
USER newssieve
# var/: crawl logs (NEWSSIEVE_VAR_DIR), a volume in docker-compose.yml; nothing else is written locally.
ENV NEWSSIEVE_SITES=/app/config/sites.yaml
EXPOSE 8000 5555
CMD ["newssieve", "--help"]
