# Static vger binary on a small base. Build: docker build -t vger .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/vger ./cmd/vger

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vger /vger
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/vger"]
CMD ["serve"]
