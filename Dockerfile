# Static vger binary on a small base, run as a non-root user.
#   docker build --build-arg VERSION=$(git describe --tags --always) -t vger .
# The image has no PostgreSQL: set DATABASE_URL (docker-compose.yml does).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vger ./cmd/vger

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vger /vger
# distroless's nonroot user (uid 65532); no shell, no package manager.
USER nonroot:nonroot
ENV VGER_ADDR=0.0.0.0:8080 VGER_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/vger"]
CMD ["serve"]
