# The app-notifications KRM function image: one static binary on `scratch`, no shell.
#
#   docker build -t app-notifications .                      # from source (needs the network)
#   cargo build --release --target x86_64-unknown-linux-musl \
#     && docker build --target prebuilt -t app-notifications .  # offline, from the built binary
#
# kustomize and kpt run it as `docker run --rm -i --network none --user nobody …`: the image
# holds an /etc/passwd with `nobody` (65534) so that name resolves, and nothing else.

ARG RUST_VERSION=1.95

# --- build: the static musl binary from source -------------------------------------------------
# Alpine's Rust image targets musl natively (static by default), on every architecture it ships.
FROM docker.io/library/rust:${RUST_VERSION}-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# A target directory outside the sources, so a target/ in the context is never reused.
ENV CARGO_TARGET_DIR=/target
RUN cargo build --release --locked --bin app-notifications \
    && /target/release/app-notifications --version

# --- runtime: what every final image shares ----------------------------------------------------
FROM scratch AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="app-notifications" \
      org.opencontainers.image.description="KRM function that generates application-aware Flux Alerts and Providers at build time" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="scratch"
COPY tests/e2e/image/passwd tests/e2e/image/group /etc/
USER 65534:65534
ENTRYPOINT ["/app-notifications"]

# --- prebuilt: packages target/x86_64-unknown-linux-musl/release/app-notifications (offline) ----
FROM runtime AS prebuilt
COPY target/x86_64-unknown-linux-musl/release/app-notifications /app-notifications

# --- default: the binary built above ------------------------------------------------------------
FROM runtime
COPY --from=build /target/release/app-notifications /app-notifications
