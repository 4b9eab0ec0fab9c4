package secrets

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// Endpoints binds the Secrets routes (api.Routes) to s, for a
// mesh.Server. The resolving service is the caller identity the mesh
// verified. Owner routes trust the owner named in the body, because the
// mesh admits only the gateway, the CLI and the dev tour to them and they
// authenticate owners.
func (s *Service) Endpoints() []mesh.Endpoint {
	return []mesh.Endpoint{
		mesh.Handle(api.RouteResolve, s.handleResolve),
		mesh.Handle(api.RoutePut, s.handlePut),
		mesh.Handle(api.RouteList, s.handleList),
		mesh.Handle(api.RouteMetadata, s.handleMetadata),
		mesh.Handle(api.RouteGrant, s.ruleHandler(s.Grant)),
		mesh.Handle(api.RouteDeny, s.ruleHandler(s.Deny)),
		mesh.Handle(api.RouteRevoke, s.ruleHandler(s.Revoke)),
		mesh.Handle(api.RouteDelete, s.handleDelete),
	}
}

// errInvalidRequest marks a request the wire types allow but the
// service cannot serve.
var errInvalidRequest = errors.New("invalid request")

func (s *Service) handleResolve(ctx context.Context, req *mesh.Request, in api.ResolveRequest) (
	api.ResolveResponse, error,
) {
	if err := rejectIdempotencyKey(req); err != nil {
		return api.ResolveResponse{}, err
	}

	value, version, err := s.Resolve(ctx, ResolveRequest{
		Service:  req.Caller,
		Owner:    in.Owner,
		Name:     in.Name,
		Version:  in.Version,
		Contract: in.Contract,
	})
	if err != nil {
		return api.ResolveResponse{}, problem(err)
	}
	return api.ResolveResponse{Value: value.Bytes(), Version: version}, nil
}

func (s *Service) handlePut(ctx context.Context, req *mesh.Request, in api.PutRequest) (api.PutResponse, error) {
	if err := rejectIdempotencyKey(req); err != nil {
		return api.PutResponse{}, err
	}

	version, err := s.Put(ctx, in.Owner, in.Name, in.Value)
	clear(in.Value)
	if err != nil {
		return api.PutResponse{}, problem(err)
	}
	return api.PutResponse{Version: version}, nil
}

// rejectIdempotencyKey rejects a call that carries an Idempotency-Key. The
// mesh keeps such a call's response and a digest of its body for repeats,
// and on resolve and put one of them depends on a secret value.
func rejectIdempotencyKey(req *mesh.Request) error {
	if req.IdempotencyKey == "" {
		return nil
	}
	return mesh.Errorf(http.StatusBadRequest, api.ErrIdempotencyKeyNotAllowed,
		"%s takes no Idempotency-Key because the mesh would keep the secret value: send the call without one",
		req.Route.Name())
}

func (s *Service) handleList(ctx context.Context, _ *mesh.Request, in api.ListRequest) (api.ListResponse, error) {
	if in.Owner.Equals(util.Uint160{}) {
		return api.ListResponse{}, problem(fmt.Errorf("%w: zero script hash", ErrInvalidOwner))
	}
	list, err := s.List(ctx, in.Owner)
	if err != nil {
		return api.ListResponse{}, err
	}

	out := api.ListResponse{Secrets: make([]api.Summary, len(list))}
	for i, sum := range list {
		out.Secrets[i] = api.Summary{Name: sum.Name, Latest: sum.Latest, Versions: sum.Versions}
	}
	return out, nil
}

func (s *Service) handleMetadata(ctx context.Context, _ *mesh.Request, in api.MetadataRequest) (api.Metadata, error) {
	m, err := s.Metadata(ctx, in.Owner, in.Name)
	if err != nil {
		return api.Metadata{}, problem(err)
	}
	return wireMetadata(m), nil
}

// ruleHandler serves a route that changes one access rule with change,
// which is Grant, Deny or Revoke.
func (s *Service) ruleHandler(change func(context.Context, util.Uint160, string, Subject) error) func(
	context.Context, *mesh.Request, api.RuleRequest) (api.Empty, error) {
	return func(ctx context.Context, _ *mesh.Request, in api.RuleRequest) (api.Empty, error) {
		if err := validateOwnerName(in.Owner, in.Name); err != nil {
			return api.Empty{}, problem(err)
		}
		subject, err := subjectOf(in.Subject)
		if err != nil {
			return api.Empty{}, problem(err)
		}
		if err := change(ctx, in.Owner, in.Name, subject); err != nil {
			return api.Empty{}, problem(err)
		}
		return api.Empty{}, nil
	}
}

// subjectOf converts a wire subject, which must name exactly one service
// or contract. Grant, Deny and Revoke validate the result.
func subjectOf(in api.Subject) (Subject, error) {
	switch {
	case in.Service != "" && in.Contract != nil:
		return Subject{}, fmt.Errorf("%w: subject sets both service and contract, set one", errInvalidRequest)
	case in.Service != "":
		return ServiceSubject(in.Service), nil
	case in.Contract != nil:
		return ContractSubject(*in.Contract), nil
	}
	return Subject{}, fmt.Errorf("%w: subject sets neither service nor contract, set one", errInvalidRequest)
}

func (s *Service) handleDelete(ctx context.Context, _ *mesh.Request, in api.DeleteRequest) (api.Empty, error) {
	var err error
	switch {
	case in.All && in.Version != 0:
		err = fmt.Errorf("%w: delete sets both version %d and all, set one", errInvalidRequest, in.Version)
	case in.All:
		err = s.Delete(ctx, in.Owner, in.Name)
	case in.Version != 0:
		err = s.DeleteVersion(ctx, in.Owner, in.Name, in.Version)
	default:
		err = fmt.Errorf("%w: delete sets neither version nor all, set one", errInvalidRequest)
	}
	if err != nil {
		return api.Empty{}, problem(err)
	}
	return api.Empty{}, nil
}

func wireMetadata(m Metadata) api.Metadata {
	out := api.Metadata{
		Name:          m.Name,
		Latest:        m.Latest,
		LatestDeleted: m.LatestDeleted,
		Versions:      make([]api.VersionInfo, len(m.Versions)),
		ACL: api.ACL{
			AllowedServices:  m.ACL.AllowedServices,
			DeniedServices:   m.ACL.DeniedServices,
			AllowedContracts: m.ACL.AllowedContracts,
			DeniedContracts:  m.ACL.DeniedContracts,
		},
		CreatedAt: m.CreatedAt,
		UpdatedAt: m.UpdatedAt,
	}
	for i, v := range m.Versions {
		out.Versions[i] = api.VersionInfo{Version: v.Version, CreatedAt: v.CreatedAt}
	}
	return out
}

// problems maps the service's errors to what crosses the mesh.
var problems = []mesh.ErrorMapping{
	{Err: ErrDenied, Status: http.StatusForbidden, Code: api.ErrDenied},
	{Err: ErrLatestDeleted, Status: http.StatusGone, Code: api.ErrLatestDeleted},
	{Err: ErrNotFound, Status: http.StatusNotFound, Code: api.ErrNotFound},
	{Err: ErrInvalidName, Status: http.StatusBadRequest, Code: api.ErrInvalidName},
	{Err: ErrInvalidValue, Status: http.StatusBadRequest, Code: api.ErrInvalidValue},
	{Err: ErrInvalidSubject, Status: http.StatusBadRequest, Code: api.ErrInvalidSubject},
	{Err: ErrInvalidOwner, Status: http.StatusBadRequest, Code: api.ErrInvalidOwner},
	{Err: ErrLimit, Status: http.StatusConflict, Code: api.ErrLimit},
	{Err: errInvalidRequest, Status: http.StatusBadRequest, Code: api.ErrInvalidRequest},
}

// problem turns an error of the service into a *mesh.Error with a stable
// code, its message as detail and err as the local cause. Messages of
// these errors name owners, secrets, versions and subjects, never values.
// ErrUndecryptable keeps a fixed detail, because its message names master
// key IDs. Other errors pass unchanged and reach the caller as 500
// internal.
func problem(err error) error {
	if errors.Is(err, ErrUndecryptable) {
		return &mesh.Error{
			Status: http.StatusInternalServerError,
			Code:   api.ErrUndecryptable,
			Detail: "stored secret version does not decrypt",
			Err:    err,
		}
	}
	return mesh.MapError(err, problems)
}
