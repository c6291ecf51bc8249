terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # The bucket comes from infra/aws/bootstrap; name it at init:
  #   tofu init -backend-config="bucket=<state_bucket>" -backend-config="region=<region>"
  backend "s3" {
    key          = "agent-runtime/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "agent-runtime"
      Environment = "prod"
      ManagedBy   = "opentofu"
    }
  }
}
