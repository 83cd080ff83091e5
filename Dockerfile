# The app-notifications KRM function image: one static binary on `scratch`, no shell.
#
#   docker build -t app-notifications .                  # from source (pulls the Rust image)
#
#   cargo build --release --target x86_64-unknown-linux-musl
#   docker build --target prebuilt -t app-notifications .  # offline, from that binary
#
# kustomize and kpt run it as `docker run --rm -i --network none --user nobody … IMAGE`:
# Docker resolves `nobody` through the image's /etc/passwd, so the image holds one (65534,
# as in Debian and distroless), the binary, and nothing else.
#
# Stage order matters for builders without BuildKit, which build every stage up to the
# target: `prebuilt` comes before the stage that needs the network.

ARG RUST_VERSION=1.95

# --- runtime: what every final image shares ----------------------------------------------------
FROM scratch AS runtime
# Follows Cargo.toml's version (a test checks the label).
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="app-notifications" \
      org.opencontainers.image.description="KRM function that generates application-aware Flux Alerts and Providers at build time" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="scratch"
COPY tests/e2e/image/passwd tests/e2e/image/group /etc/
USER 65534:65534
ENTRYPOINT ["/app-notifications"]

# --- prebuilt: packages target/x86_64-unknown-linux-musl/release/app-notifications -------------
FROM runtime AS prebuilt
COPY target/x86_64-unknown-linux-musl/release/app-notifications /app-notifications

# --- build: the static musl binary from source --------------------------------------------------
# Rust's Alpine images target musl natively (statically linked by default) on every
# architecture they ship, so `docker buildx build --platform linux/arm64 .` works too.
FROM docker.io/library/rust:${RUST_VERSION}-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# A target directory outside the sources: a target/ in the context is never reused.
ENV CARGO_TARGET_DIR=/target
RUN cargo build --release --locked --bin app-notifications \
    && /target/release/app-notifications --version

# --- default: the binary built above ------------------------------------------------------------
FROM runtime
COPY --from=build /target/release/app-notifications /app-notifications
